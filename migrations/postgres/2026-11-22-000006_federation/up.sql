-- An upstream identity (Google `sub`, Entra `tid/oid`) belongs to one member only.
DROP INDEX login_methods_upstream;
CREATE UNIQUE INDEX login_methods_upstream ON login_methods (kind, upstream_subject)
    WHERE kind <> 'native';
-- Directory details read from Microsoft Graph, for the member's detail card.
ALTER TABLE users ADD COLUMN job_title TEXT;
ALTER TABLE users ADD COLUMN phone TEXT;

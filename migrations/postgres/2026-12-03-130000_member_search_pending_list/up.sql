-- The trigram indexes' pending list (GIN fastupdate) grows to 4 MB by default, and every
-- search reads all of it: right after an import of 100,000 members a search took 16 ms
-- in the index instead of 3 until a vacuum merged the list. A small list is merged
-- during the inserts themselves.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'users_email_trgm' AND relkind = 'i') THEN
    ALTER INDEX users_email_trgm SET (gin_pending_list_limit = 64);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'users_name_trgm' AND relkind = 'i') THEN
    ALTER INDEX users_name_trgm SET (gin_pending_list_limit = 64);
  END IF;
END $$;

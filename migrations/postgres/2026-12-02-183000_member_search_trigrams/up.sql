-- The members page's free-text search (`LIKE '%text%'` over address and name) reads
-- trigram indexes instead of every member, where pg_trgm can be had. A server without
-- the extension, or a role that may not create it, keeps working with the full scan.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')
     AND EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
    BEGIN
      CREATE EXTENSION pg_trgm;
    EXCEPTION WHEN insufficient_privilege THEN
      RAISE NOTICE 'pg_trgm not created (%); member search scans', SQLERRM;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
    CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);
    CREATE INDEX users_name_trgm ON users USING gin (lower(coalesce(name, '')) gin_trgm_ops);
  END IF;
END $$;

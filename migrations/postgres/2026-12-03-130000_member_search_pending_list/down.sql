DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'users_email_trgm' AND relkind = 'i') THEN
    ALTER INDEX users_email_trgm RESET (gin_pending_list_limit);
  END IF;
  IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'users_name_trgm' AND relkind = 'i') THEN
    ALTER INDEX users_name_trgm RESET (gin_pending_list_limit);
  END IF;
END $$;

DROP INDEX users_org_id_id;
DROP TABLE member_imports;

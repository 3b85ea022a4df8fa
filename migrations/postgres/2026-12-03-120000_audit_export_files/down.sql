DROP TABLE audit_export_chunks;

DROP TABLE audit_exports;

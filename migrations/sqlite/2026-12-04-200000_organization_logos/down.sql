DROP TABLE organization_logos;

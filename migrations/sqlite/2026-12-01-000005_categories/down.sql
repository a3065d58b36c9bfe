DROP TABLE category_aliases;
DROP TABLE categories;

DROP TABLE inspection_item_versions;
DROP TABLE inspection_items;

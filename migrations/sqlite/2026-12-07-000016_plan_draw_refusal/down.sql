ALTER TABLE plans DROP COLUMN draw_refusal;

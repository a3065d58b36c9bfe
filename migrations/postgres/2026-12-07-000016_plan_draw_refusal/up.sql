-- A draw refused for want of inspectors is kept on the plan (issue 26): its values, time and key
-- in the draw columns, the reason here, and the plan's status draw_failed until it is voided.
-- The first attempt's values bind.
ALTER TABLE plans ADD COLUMN draw_refusal TEXT;

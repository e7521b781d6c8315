-- The process that handled the exchange among several instances of one gateway node
-- (gateway.instance, docs/scale-out.md); empty when the node names none.
ALTER TABLE opmon_record ADD COLUMN gateway_instance TEXT NOT NULL DEFAULT '';

-- One counter of layer changes: every publish, restore and delete adds one
-- in its own transaction, so a replica that reads it knows whether its
-- layers are still current (strict consistency, see PostGIS.Generation).
CREATE TABLE store_generation (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    generation bigint  NOT NULL
);
INSERT INTO store_generation (generation) VALUES (0);

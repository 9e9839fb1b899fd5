-- Layers, their versions and features, and the audit log.
--
-- JSON is kept in json columns, not jsonb: json stores the text as given,
-- so what Open returns is what Publish stored. jsonb would refuse a string
-- holding \u0000 (which the file store keeps) and turn -0 into 0.

CREATE EXTENSION IF NOT EXISTS postgis;

-- One row per layer id ever published. current_version is NULL once the
-- layer is deleted (deleted_at says when); its versions are kept.
CREATE TABLE layers (
    id              text PRIMARY KEY,
    current_version integer,
    deleted_at      timestamptz
);

-- Every version of every layer: its metadata (geodata.Meta) and import
-- report (geodata.Report). Versions are never rewritten or reused.
CREATE TABLE layer_versions (
    layer_id   text        NOT NULL REFERENCES layers (id),
    version    integer     NOT NULL CHECK (version > 0),
    meta       json        NOT NULL,
    report     json        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (layer_id, version)
);

ALTER TABLE layers ADD FOREIGN KEY (id, current_version) REFERENCES layer_versions (layer_id, version);

-- The features of each version in the order they were published (seq,
-- from 0). fid is the feature id as text, fid_number says it was a JSON
-- number; properties is the JSON object (NULL: none). Features are written
-- only in the transaction that writes their version row.
CREATE TABLE features (
    layer_id   text     NOT NULL,
    version    integer  NOT NULL,
    seq        integer  NOT NULL,
    fid        text,
    fid_number boolean  NOT NULL DEFAULT false,
    geom       geometry(Geometry, 4326),
    properties json,
    PRIMARY KEY (layer_id, version, seq)
);

CREATE INDEX features_geom_idx ON features USING gist (geom);

-- One row per audit entry (geodata.AuditEntry). import_key marks entries
-- copied from another store, so copying twice adds nothing.
CREATE TABLE audit_log (
    id         bigserial   PRIMARY KEY,
    at         timestamptz NOT NULL,
    entry      json        NOT NULL,
    import_key text        UNIQUE
);

CREATE INDEX audit_log_at_idx ON audit_log (at, id);

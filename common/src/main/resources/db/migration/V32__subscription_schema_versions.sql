-- The schema version a catch-up subscription delivers each event type at (`inlet subscription add
-- --schema-version OrderPlaced=3`), as AsVersions text: 'OrderPlaced=3,OrderPaid=2', or '' for
-- every event as stored. The runner upcasts with the feeds file's upcasters before publishing; an
-- event that cannot be delivered at the asked version stops the subscription there (last_error).
ALTER TABLE subscriptions
    ADD COLUMN schema_versions text NOT NULL DEFAULT ''
        CHECK (schema_versions ~ '^([^=,\s]+=[0-9]{1,9}(,[^=,\s]+=[0-9]{1,9})*)?$');
COMMENT ON COLUMN subscriptions.schema_versions IS
    'TYPE=N[,TYPE=N...]: event types delivered upcast to version N; empty: every event at its stored version.';

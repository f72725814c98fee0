-- Retirement of a projection the feeds file no longer declares (docs/read-side.md, "Removing a
-- projection"): inlet migrate (or inlet projection retire NAME) keeps its row and its table, and
-- sets retired_at; a retired row is no longer in force: the appends' catalog guard ignores it, an
-- instance whose feeds still declare it refuses to start and to append, and declaring it again
-- rebuilds it (the row comes back with retired_at NULL).
ALTER TABLE projections ADD COLUMN retired_at timestamptz;

COMMENT ON COLUMN projections.retired_at IS
    'When inlet migrate or inlet projection retire retired it (the feeds no longer declare it); its table is kept and no longer '
    'maintained. NULL: in force.';

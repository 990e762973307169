"""The triggers that keep audit entries append-only, shared by migration 0007 and the audit file.

Entries are never updated; they are deleted only a whole period at a time, past the audit
retention, by a transaction that first writes a permit for that period (audit_drop_permits).
The triggers stop a stray UPDATE or DELETE from code or a console; a determined administrator
can drop them, which the chain and the signed checkpoints then reveal.

Frozen: migration 0007 runs these statements; a change goes in a new migration.
"""

from __future__ import annotations

PG_GUARD = """
CREATE FUNCTION charte_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_drop_permits WHERE period = OLD.period) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit entries are append-only (%)', TG_OP;
END $$;
CREATE TRIGGER audit_entries_append_only BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION charte_audit_guard();
"""
# The trigger alone, also made on the partitioned audit table, which gives it to every partition
# (adapters.db.audit_partitions).
PG_TRIGGER = PG_GUARD[PG_GUARD.index("CREATE TRIGGER") :]
SQLITE_GUARD = [
    """CREATE TRIGGER audit_entries_no_update BEFORE UPDATE ON audit_entries
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (UPDATE)'); END""",
    """CREATE TRIGGER audit_entries_no_delete BEFORE DELETE ON audit_entries
       WHEN NOT EXISTS (SELECT 1 FROM audit_drop_permits WHERE period = OLD.period)
       BEGIN SELECT RAISE(ABORT, 'audit entries are append-only (DELETE)'); END""",
]

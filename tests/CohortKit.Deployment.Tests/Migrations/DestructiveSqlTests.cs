using CohortKit.Deployment.Migrations;

namespace CohortKit.Deployment.Tests.Migrations;

public sealed class DestructiveSqlTests
{
    [Theory]
    [InlineData("ALTER TABLE t DROP COLUMN a", "drops")]
    [InlineData("DROP TABLE t", "drops")]
    [InlineData("TRUNCATE t", "truncates")]
    [InlineData("ALTER TABLE t RENAME COLUMN a TO b", "renames")]
    [InlineData("ALTER TABLE t ALTER COLUMN a TYPE bigint", "type")]
    [InlineData("ALTER TABLE t ALTER COLUMN a SET NOT NULL", "NOT NULL to an existing")]
    [InlineData("ALTER TABLE t ADD COLUMN b int NOT NULL", "without a DEFAULT")]
    [InlineData("alter table t add b numeric(10,2) not null", "without a DEFAULT")]
    [InlineData("UPDATE t SET a = 1", "changes existing rows")]
    [InlineData("  delete from t", "changes existing rows")]
    // Found by an independent review: each of these was applied by the old patterns.
    [InlineData("ALTER TABLE t ADD COLUMN c INTEGER; DELETE FROM t", "changes existing rows")]
    [InlineData("ALTER TABLE t ADD COLUMN c INTEGER;\n  update t set a = 0", "changes existing rows")]
    [InlineData("ALTER TABLE t ALTER a TYPE bigint", "type")]
    [InlineData("ALTER TABLE t ALTER \"a\" SET DATA TYPE bigint", "type")]
    [InlineData("ALTER TABLE t ALTER b SET NOT NULL", "NOT NULL to an existing")]
    [InlineData("WITH x AS (DELETE FROM t RETURNING id) SELECT count(*) FROM x", "changes existing rows")]
    [InlineData("with x as materialized ( update t set a = 1 returning a ) select 1", "changes existing rows")]
    public void Find_DestructiveStatement_SaysWhy(string sql, string reason) =>
        DestructiveSql.Find(sql).Should().Contain(reason);

    [Theory]
    [InlineData("ALTER TABLE t ADD COLUMN b smallint")]
    [InlineData("ALTER TABLE t ADD COLUMN b int NOT NULL DEFAULT 0")]
    [InlineData("ALTER TABLE t ADD COLUMN b numeric(10,2), ADD COLUMN c text")]
    [InlineData("CREATE INDEX CONCURRENTLY ix ON t (a)")]
    [InlineData("CREATE TABLE u (id bigint NOT NULL PRIMARY KEY)")]
    [InlineData("CREATE TRIGGER x BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()")]
    [InlineData("CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM audit; DROP TABLE x; RETURN NEW; END $$")]
    [InlineData("COMMENT ON TABLE t IS 'we never DROP or TRUNCATE this'")]
    [InlineData("CREATE TABLE \"drop\" (a int) -- DROP later")]
    public void Find_AdditiveStatement_IsNull(string sql) =>
        DestructiveSql.Find(sql).Should().BeNull();
}

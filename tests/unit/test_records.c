/* Unit tests for records (service/fields.h) as the services use them: the JSON a record is
 * written as, the SQL made from a table and the round trip of a record
 * through SQLite, keyset pages (fields_page), and the pure helpers built on
 * them (time_date, commitment_overdue). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"
#include "service/commitment.h"
#include "service/fields.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/jw.h"
#include "util/timefmt.h"

struct thing {
	int64_t id;
	const char *name, *city, *region, *key;
	int64_t count;
	bool active;
	int64_t seen_at;
	const char *tags;
};

#define F(name, column, type, flags, member)                                                                           \
	{                                                                                                              \
		name, column, type, flags, offsetof(struct thing, member), 0, 0, NULL                                  \
	}

static const struct field thing_fields[] = {
    F("id", "id", FT_ID, FF_KEY, id),
    F("name", "name", FT_TEXT, FF_REQUIRED, name),
    F("address.city", "city", FT_TEXT, FF_NULLABLE, city),
    F("address.region", "region", FT_TEXT, FF_NULLABLE, region),
    F("key", "name_key", FT_TEXT, FF_HIDDEN, key),
    F("count", "n", FT_INT, FF_NULLABLE, count),
    F("active", "active", FT_BOOL, FF_NONE, active),
    F("seen_at", "seen_at", FT_TIME, FF_NOUPDATE, seen_at),
    F("tags", "tags", FT_JSON, FF_NONE, tags),
    {0},
};

static struct table thing_table = TABLE_INIT("things", thing_fields);

static char *written(const struct thing *t)
{
	static char out[512];
	struct buf b;
	struct jw w;
	buf_init(&b, 0);
	jw_init(&w, &b);
	jw_object(&w);
	fields_write(&w, &thing_table, t);
	jw_object_end(&w);
	snprintf(out, sizeof(out), "%s", b.data);
	buf_release(&b);
	return out;
}

static void test_group_len(void **state)
{
	(void)state;
	assert_int_equal(fields_group_len("address.city"), 7);
	assert_int_equal(fields_group_len("name"), 0);
}

static void test_write(void **state)
{
	(void)state;
	struct thing t;
	fields_clear(&thing_table, &t);
	assert_int_equal(t.count, FIELD_NULL);
	/* NULLs: null, hidden fields left out, a group written as one object. */
	assert_string_equal(written(&t), "{\"id\":null,\"name\":null,\"address\":{\"city\":null,\"region\":null},"
					 "\"count\":null,\"active\":false,\"seen_at\":null,\"tags\":null}");
	t = (struct thing){.id = 7,
			   .name = "خالد \"x\"",
			   .city = "Riyadh",
			   .key = "secret",
			   .count = 0,
			   .active = true,
			   .seen_at = 1795780800,
			   .tags = "[\"a\"]"};
	assert_string_equal(written(&t),
			    "{\"id\":7,\"name\":\"خالد \\\"x\\\"\",\"address\":{\"city\":\"Riyadh\","
			    "\"region\":null},\"count\":0,\"active\":true,\"seen_at\":\"2026-11-27T12:00:00Z\","
			    "\"tags\":[\"a\"]}");
}

static void test_sql(void **state)
{
	(void)state;
	assert_string_equal(fields_select(&thing_table), "id, name, city, region, name_key, n, active, seen_at, tags");
	assert_int_equal(fields_count(&thing_table), 9);
	assert_non_null(fields_find(&thing_table, "address.city"));
	assert_null(fields_find(&thing_table, "city"));
}

static struct db *memory_db(void)
{
	char err[256];
	struct db *db = db_open(":memory:", err, sizeof(err));
	assert_non_null(db);
	return db;
}

static void test_round_trip(void **state)
{
	(void)state;
	struct db *db = memory_db();
	assert_int_equal(db_exec(db,
				 "CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT NOT NULL, city TEXT, "
				 "region TEXT, name_key TEXT, n BIGINT, active INTEGER, seen_at BIGINT, tags TEXT)"),
			 0);
	struct thing t = {.name = "Clinic",
			  .city = "Jeddah",
			  .key = "clinic",
			  .count = FIELD_NULL,
			  .active = true,
			  .seen_at = 1000,
			  .tags = "[]"};
	int64_t id = 0;
	assert_int_equal(fields_insert(db, &thing_table, &t, &id), 0);
	assert_true(id > 0);
	struct thing back;
	struct arena a;
	arena_init(&a);
	assert_int_equal(fields_load(db, &thing_table, id, &back, &a), 1);
	assert_int_equal(back.id, id);
	assert_string_equal(back.name, "Clinic");
	assert_string_equal(back.city, "Jeddah");
	assert_null(back.region);
	assert_int_equal(back.count, FIELD_NULL);
	assert_true(back.active);
	/* An update writes every column but the key and FF_NOUPDATE ones. */
	back.count = 3;
	back.city = NULL;
	back.seen_at = 2000;
	assert_int_equal(fields_update(db, &thing_table, &back, id), 0);
	assert_int_equal(fields_load(db, &thing_table, id, &back, &a), 1);
	assert_int_equal(back.count, 3);
	assert_null(back.city);
	assert_int_equal(back.seen_at, 1000);
	assert_int_equal(fields_load(db, &thing_table, id + 1, &back, &a), 0);
	arena_release(&a);
	db_close(db);
}

static int count_row(void *arg, struct db_stmt *st)
{
	int64_t *sum = arg;
	*sum += db_col_int(st, 0);
	return 0;
}

static int64_t page_of(struct db *db, int64_t limit, bool *more)
{
	struct db_stmt *st = NULL;
	assert_int_equal(db_prepare(db,
				    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) "
				    "SELECT x FROM n LIMIT ?",
				    &st),
			 0);
	assert_int_equal(db_bind_int(st, 1, limit + 1), 0);
	int64_t sum = 0;
	assert_int_equal(fields_page(st, limit, count_row, &sum, more), 0);
	return sum;
}

static void test_page(void **state)
{
	(void)state;
	struct db *db = memory_db();
	bool more = false;
	assert_int_equal(page_of(db, 3, &more), 1 + 2 + 3);
	assert_true(more);
	assert_int_equal(page_of(db, 5, &more), 15);
	assert_false(more);
	assert_int_equal(page_of(db, 50, &more), 15);
	assert_false(more);
	db_close(db);
}

static void test_time_date(void **state)
{
	(void)state;
	char d[TIME_DATE_LEN];
	time_date(1795780800, d); /* 2026-11-27T12:00:00Z */
	assert_string_equal(d, "2026-11-27");
	time_date(1796083199, d); /* the last second of November */
	assert_string_equal(d, "2026-11-30");
	time_date(0, d);
	assert_string_equal(d, "1970-01-01");
}

static void test_commitment_overdue(void **state)
{
	(void)state;
	int64_t now = 1795780800; /* 2026-11-27T12:00:00Z */
	struct commitment c;
	commitment_defaults(&c);
	c.due_on = "2026-11-26";
	assert_true(commitment_overdue(&c, now));
	c.due_on = "2026-11-27"; /* due today: not yet */
	assert_false(commitment_overdue(&c, now));
	c.due_on = "2026-11-26";
	c.status = "done";
	assert_false(commitment_overdue(&c, now));
	c.status = "cancelled";
	assert_false(commitment_overdue(&c, now));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_group_len),	       cmocka_unit_test(test_write), cmocka_unit_test(test_sql),
	    cmocka_unit_test(test_round_trip),	       cmocka_unit_test(test_page),  cmocka_unit_test(test_time_date),
	    cmocka_unit_test(test_commitment_overdue),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

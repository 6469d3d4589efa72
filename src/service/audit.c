/* audit: appending to, verifying and listing the hash-chained audit log
 * (see the header). The JSON of the list is api/audit.c's. */
#include "service/audit.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "db/db.h"
#include "db/qb.h"
#include "domain/audit_chain.h"
#include "service/actor.h"
#include "service/fields.h"
#include "util/timefmt.h"

int audit_append(struct db *db, const struct actor *user, const char *action, const char *record_type,
		 int64_t record_id, const char *outcome, const char *detail)
{
	const char *client = user ? user->client : NULL;
	struct db_stmt *st = NULL;
	char prev[AUDIT_HASH_LEN + 1] = AUDIT_GENESIS;
	int64_t last_id = 0;
	int rc = db_prepare(db, "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &st);
	if (rc < 0)
		return rc;
	rc = db_step(st);
	if (rc == DB_ROW) {
		last_id = db_col_int(st, 0);
		snprintf(prev, sizeof(prev), "%s", db_col_text(st, 1));
	}
	db_finalize(st);
	if (rc < 0)
		return rc;

	struct audit_row row = {
	    .id = last_id + 1,
	    .at = time_now(),
	    .has_user = user && user->id,
	    .user_id = user ? user->id : 0,
	    .role = user && user->id ? role_name(user->role) : NULL,
	    .action = action,
	    .record_type = record_type,
	    .has_record = record_id != 0,
	    .record_id = record_id,
	    .client = client,
	    .outcome = outcome,
	    .detail = detail,
	};
	char hash[AUDIT_HASH_LEN + 1];
	audit_chain_hash(prev, &row, hash);

	rc = db_prepare(db,
			"INSERT INTO audit_log (id, at, user_id, role, action, record_type, record_id, client, "
			"outcome, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			&st);
	if (rc < 0)
		return rc;
	db_bind_int(st, 1, row.id);
	db_bind_int(st, 2, row.at);
	if (row.has_user)
		db_bind_int(st, 3, row.user_id);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, row.role);
	db_bind_text(st, 5, action);
	db_bind_text(st, 6, record_type);
	if (row.has_record)
		db_bind_int(st, 7, record_id);
	else
		db_bind_null(st, 7);
	db_bind_text(st, 8, client);
	db_bind_text(st, 9, outcome);
	db_bind_text(st, 10, detail);
	db_bind_text(st, 11, prev);
	db_bind_text(st, 12, hash);
	rc = db_step(st);
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

int audit_verify(struct db *db, int64_t *rows, int64_t *bad_id, char *msg, size_t msglen)
{
	struct db_stmt *st = NULL;
	*rows = 0;
	*bad_id = 0;
	int rc = db_prepare(db,
			    "SELECT id, at, user_id, role, action, record_type, record_id, client, outcome, detail, "
			    "prev_hash, hash FROM audit_log ORDER BY id",
			    &st);
	if (rc < 0)
		return rc;
	char prev[AUDIT_HASH_LEN + 1] = AUDIT_GENESIS;
	int64_t expect_id = 1;
	int result = 0;
	while ((rc = db_step(st)) == DB_ROW) {
		struct audit_row row = {
		    .id = db_col_int(st, 0),
		    .at = db_col_int(st, 1),
		    .has_user = !db_col_null(st, 2),
		    .user_id = db_col_int(st, 2),
		    .role = db_col_text(st, 3),
		    .action = db_col_text(st, 4),
		    .record_type = db_col_text(st, 5),
		    .has_record = !db_col_null(st, 6),
		    .record_id = db_col_int(st, 6),
		    .client = db_col_text(st, 7),
		    .outcome = db_col_text(st, 8),
		    .detail = db_col_text(st, 9),
		};
		const char *stored_prev = db_col_text(st, 10);
		const char *stored_hash = db_col_text(st, 11);
		char hash[AUDIT_HASH_LEN + 1];
		if (row.id != expect_id) {
			*bad_id = row.id;
			snprintf(msg, msglen, "audit row %" PRId64 ": rows %" PRId64 " to %" PRId64 " are missing",
				 row.id, expect_id, row.id - 1);
			result = 1;
			break;
		}
		if (!stored_prev || strcmp(stored_prev, prev) != 0) {
			*bad_id = row.id;
			snprintf(msg, msglen, "audit row %" PRId64 ": does not link to the row before it", row.id);
			result = 1;
			break;
		}
		audit_chain_hash(prev, &row, hash);
		if (!stored_hash || strcmp(stored_hash, hash) != 0) {
			*bad_id = row.id;
			snprintf(msg, msglen, "audit row %" PRId64 ": its content was altered (hash mismatch)", row.id);
			result = 1;
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		expect_id++;
		(*rows)++;
	}
	db_finalize(st);
	if (rc < 0)
		return rc;
	if (result == 0)
		snprintf(msg, msglen, "audit chain intact: %" PRId64 " entries", *rows);
	return result;
}

#define F(name, type, member)                                                                                          \
	{                                                                                                              \
		name, name, type, FF_READONLY, offsetof(struct audit_entry, member), 0, 0, NULL                        \
	}

/* The columns an admin reads (the chain's prev_hash and the detail stay in
 * the log). */
static const struct field entry_fields[] = {
    F("id", FT_ID, id),
    F("at", FT_TIME, at),
    F("user_id", FT_ID, user_id),
    F("role", FT_TEXT, role),
    F("action", FT_TEXT, action),
    F("record_type", FT_TEXT, record_type),
    F("record_id", FT_ID, record_id),
    F("client", FT_TEXT, client),
    F("outcome", FT_TEXT, outcome),
    F("hash", FT_TEXT, hash),
    {0},
};

static struct table entry_table = TABLE_INIT("audit_log", entry_fields);

struct walk {
	void (*each)(void *arg, const struct audit_entry *e);
	void *arg;
};

static int list_row(void *arg, struct db_stmt *st)
{
	struct walk *wk = arg;
	struct audit_entry e;
	fields_read(&entry_table, st, 0, &e, NULL); /* borrowed until the next step */
	wk->each(wk->arg, &e);
	return 0;
}

int audit_list(struct db *db, const struct audit_filter *f, void (*each)(void *arg, const struct audit_entry *e),
	       void *arg, bool *more)
{
	struct qb q;
	qb_init(&q, "SELECT ");
	qb_sql(&q, fields_select(&entry_table));
	qb_add(&q, " FROM audit_log WHERE id < ?", "i", f->cursor ? f->cursor : INT64_MAX);
	if (f->action)
		qb_add(&q, " AND action = ?", "t", f->action);
	if (f->record_type)
		qb_add(&q, " AND record_type = ?", "t", f->record_type);
	if (f->record_id)
		qb_add(&q, " AND record_id = ?", "i", f->record_id);
	qb_add(&q, " ORDER BY id DESC LIMIT ?", "i", f->limit + 1);
	struct db_stmt *st = NULL;
	int rc = qb_prepare(&q, db, &st);
	qb_release(&q);
	if (rc < 0)
		return rc;
	struct walk wk = {each, arg};
	return fields_page(st, f->limit, list_row, &wk, more);
}

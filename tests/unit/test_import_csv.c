/* Unit tests for io/import_csv: the row reader (RFC 4180 quoting, CRLF, a
 * BOM, line numbers across quoted newlines, any chunking) and the mapping of
 * header and rows to partner and referral records with the API's rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "io/import_csv.h"

#define MAX_ROWS 16

struct collected {
	size_t n;
	struct {
		size_t line, nf;
		char f[8][64];
		bool empty[8];
	} rows[MAX_ROWS];
};

static int collect(void *ctx, const struct csv_row *row)
{
	struct collected *c = ctx;
	assert_true(c->n < MAX_ROWS);
	c->rows[c->n].line = row->line;
	c->rows[c->n].nf = row->n;
	for (size_t i = 0; i < row->n && i < 8; i++) {
		c->rows[c->n].empty[i] = row->field[i] == NULL;
		snprintf(c->rows[c->n].f[i], 64, "%s", row->field[i] ? row->field[i] : "");
	}
	c->n++;
	return 0;
}

/* Reads text fed in pieces of step bytes; returns the reader's result. */
static int read_all(const char *text, size_t step, struct collected *c, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	struct csv_reader r;
	csv_reader_init(&r, collect, c);
	size_t len = strlen(text);
	int rc = 0;
	for (size_t i = 0; i < len && rc == 0; i += step)
		rc = csv_reader_feed(&r, text + i, len - i < step ? len - i : step);
	if (rc == 0)
		rc = csv_reader_finish(&r);
	if (err)
		snprintf(err, errlen, "%s", r.err);
	csv_reader_release(&r);
	return rc;
}

static void test_reader_quoting(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBFname,notes,city\r\n"
			   "\"Haddad, Layla\",\"said \"\"hi\"\"\r\nand left\", Riyadh \r\n"
			   "\r\n"
			   "plain,,\"\"\n"
			   "last,no newline,x";
	for (size_t step = 1; step <= 64; step = step * 2 + 1) {
		struct collected c;
		assert_int_equal(read_all(text, step, &c, NULL, 0), 0);
		assert_int_equal(c.n, 4);
		assert_string_equal(c.rows[0].f[0], "name"); /* the BOM is gone */
		assert_int_equal(c.rows[0].line, 1);
		assert_string_equal(c.rows[1].f[0], "Haddad, Layla");
		assert_string_equal(c.rows[1].f[1], "said \"hi\"\r\nand left");
		assert_string_equal(c.rows[1].f[2], " Riyadh "); /* spaces belong to the field */
		assert_int_equal(c.rows[1].line, 2);
		assert_int_equal(c.rows[2].line, 5); /* after a two-line record and a blank line */
		assert_true(c.rows[2].empty[1]);
		assert_true(c.rows[2].empty[2]);
		assert_int_equal(c.rows[3].line, 6);
		assert_string_equal(c.rows[3].f[2], "x");
	}
}

static void test_reader_errors(void **state)
{
	(void)state;
	struct collected c;
	char err[160];
	assert_int_equal(read_all("a,b\n\"x\"y,z\n", 4096, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2: malformed CSV"));
	assert_int_equal(read_all("a\n\"open\n", 4096, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not closed"));
	/* A partial BOM is data. */
	assert_int_equal(read_all("\xEF\xBBx\n", 1, &c, NULL, 0), 0);
	assert_int_equal(c.n, 1);
	assert_string_equal(c.rows[0].f[0], "\xEF\xBBx");
}

/* Builds a csv_row from NULL-ended strings ("" reads as absent). */
static void make_row(struct csv_row *row, size_t line, const char *const *fields)
{
	memset(row, 0, sizeof(*row));
	row->line = line;
	for (; fields[row->n]; row->n++) {
		row->field[row->n] = *fields[row->n] ? fields[row->n] : NULL;
		row->len[row->n] = strlen(fields[row->n]);
	}
}

static void test_header(void **state)
{
	(void)state;
	struct csv_row row;
	struct import_columns c;
	struct verr e = {0};
	make_row(&row, 1, (const char *const[]){"patient_family", "direction", "partner_npi", "patient_given", NULL});
	assert_int_equal(import_header(IMPORT_REFERRALS, &row, &c, &e), 0);
	assert_int_equal(c.at[RC_DIRECTION], 1);
	assert_int_equal(c.at[RC_PATIENT_FAMILY], 0);
	assert_int_equal(c.at[RC_PARTNER_ID], -1);

	make_row(&row, 1, (const char *const[]){"name", "colour", NULL});
	memset(&e, 0, sizeof(e));
	assert_int_equal(import_header(IMPORT_PARTNERS, &row, &c, &e), -1);
	assert_string_equal(e.field, "colour");

	make_row(&row, 1, (const char *const[]){"kind", NULL});
	memset(&e, 0, sizeof(e));
	assert_int_equal(import_header(IMPORT_PARTNERS, &row, &c, &e), -1);
	assert_string_equal(e.field, "name");

	make_row(&row, 1, (const char *const[]){"name", "name", NULL});
	memset(&e, 0, sizeof(e));
	assert_int_equal(import_header(IMPORT_PARTNERS, &row, &c, &e), -1);
	assert_non_null(strstr(e.message, "twice"));

	make_row(&row, 1, (const char *const[]){"direction", "patient_given", "patient_family", NULL});
	memset(&e, 0, sizeof(e));
	assert_int_equal(import_header(IMPORT_REFERRALS, &row, &c, &e), -1);
	assert_string_equal(e.field, "partner_id");
}

static const char *const partner_header[] = {"name",	   "npi",	   "city",  "languages",
					     "in_network", "checkin_days", "phone", NULL};

/* Maps one partner row; returns the failing column or "" (and the record). */
static const char *partner_row(const char *const *fields, json_t **rec, char *out)
{
	struct csv_row h, row;
	struct import_columns c;
	struct verr e = {0};
	make_row(&h, 1, partner_header);
	assert_int_equal(import_header(IMPORT_PARTNERS, &h, &c, &e), 0);
	make_row(&row, 2, fields);
	const char *owner = NULL;
	int rc = import_partner_row(&c, &row, rec, &owner, &e);
	snprintf(out, VERR_FIELD_MAX, "%s", rc ? e.field : "");
	return out;
}

static void test_partner_rows(void **state)
{
	(void)state;
	char f[VERR_FIELD_MAX];
	json_t *rec = NULL;
	assert_string_equal(partner_row((const char *const[]){"د. أحمد", "1234567893", "الرياض", "ar; en ;", "Yes",
							      "30", "+966 11 555 0100", NULL},
					&rec, f),
			    "");
	assert_string_equal(jstr(rec, "name"), "د. أحمد");
	assert_string_equal(jstr(json_object_get(rec, "address"), "city"), "الرياض");
	assert_int_equal(json_array_size(json_object_get(rec, "languages")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "languages"), 1)), "en");
	assert_true(json_is_true(json_object_get(rec, "in_network")));
	assert_int_equal(json_integer_value(json_object_get(rec, "checkin_days")), 30);
	assert_string_equal(jstr(json_array_get(json_object_get(rec, "identifiers"), 0), "value"), "1234567893");
	json_decref(rec);
	/* The API's rules, named by CSV column. */
	assert_string_equal(partner_row((const char *const[]){"X", "1234567890", "", "", "", "", "", NULL}, &rec, f),
			    "npi");
	assert_string_equal(partner_row((const char *const[]){"X", "", "", "english", "", "", "", NULL}, &rec, f),
			    "languages");
	assert_string_equal(partner_row((const char *const[]){"X", "", "", "", "maybe", "", "", NULL}, &rec, f),
			    "in_network");
	assert_string_equal(partner_row((const char *const[]){"X", "", "", "", "", "400", "", NULL}, &rec, f),
			    "checkin_days");
	assert_string_equal(partner_row((const char *const[]){"X", "", "", "", "", "", "call me", NULL}, &rec, f),
			    "phone");
	assert_string_equal(partner_row((const char *const[]){"", "", "", "", "", "", "", NULL}, &rec, f), "name");
	assert_string_equal(partner_row((const char *const[]){"X", "", NULL}, &rec, f), ""); /* fewer fields */
	assert_null(rec);
}

static const char *const referral_header[] = {"direction",
					      "partner_id",
					      "patient_mrn",
					      "patient_given",
					      "patient_family",
					      "patient_birth_date",
					      "diagnoses",
					      "status",
					      "created_at",
					      "history",
					      NULL};

static const char *referral_row(const char *const *fields, struct referral_row *x, char *out)
{
	struct csv_row h, row;
	struct import_columns c;
	struct verr e = {0};
	make_row(&h, 1, referral_header);
	assert_int_equal(import_header(IMPORT_REFERRALS, &h, &c, &e), 0);
	make_row(&row, 2, fields);
	int rc = import_referral_row(&c, &row, 1800000000, x, &e);
	snprintf(out, VERR_FIELD_MAX, "%s", rc ? e.field : "");
	return out;
}

static void test_referral_rows(void **state)
{
	(void)state;
	char f[VERR_FIELD_MAX];
	struct referral_row x;
	assert_string_equal(referral_row((const char *const[]){"inbound", "7", "M-1", "نورة", "الغامدي", "1980-02-29",
							       "i209; E119", "", "2025-03-14", "notes", NULL},
					 &x, f),
			    "");
	assert_int_equal(x.direction, RDIR_INBOUND);
	assert_int_equal(x.partner_id, 7);
	assert_string_equal(x.mrn, "M-1");
	assert_string_equal(x.given, "نورة");
	assert_string_equal(x.diagnoses, "[\"I20.9\",\"E11.9\"]");
	assert_int_equal(x.n_dx, 2);
	assert_int_equal(x.status, RSTATE_SENT); /* inbound starts at sent */
	assert_int_equal(x.created_at, 1741910400);
	assert_string_equal(x.packet[0], "notes");
	assert_null(x.packet[1]);

	assert_string_equal(referral_row((const char *const[]){"outbound", "7", "", "A", "B", "", "", "completed",
							       "2025-03-14T09:30:00+03:00", "", NULL},
					 &x, f),
			    "");
	assert_int_equal(x.status, RSTATE_COMPLETED);
	assert_int_equal(x.created_at, 1741933800);
	assert_string_equal(x.diagnoses, "[]");
	assert_null(x.mrn);

	const char *const bad[][11] = {
	    {"sideways", "7", "", "A", "B", "", "", "", "", "", NULL},
	    {"inbound", "x7", "", "A", "B", "", "", "", "", "", NULL},
	    {"inbound", "7", "", "", "B", "", "", "", "", "", NULL},
	    {"inbound", "7", "", "A", "B", "1990-13-01", "", "", "", "", NULL},
	    {"inbound", "7", "", "A", "B", "", "E11.9;X", "", "", "", NULL},
	    {"inbound", "7", "", "A", "B", "", "", "lost", "", "", NULL},
	    {"inbound", "7", "", "A", "B", "", "", "", "2099-01-01", "", NULL},
	    {"inbound", "7", "", "A", "B", "", "", "", "yesterday", "", NULL},
	};
	const char *const fields[] = {"direction", "partner_id", "patient_given", "patient_birth_date",
				      "diagnoses", "status",	 "created_at",	  "created_at"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_string_equal(referral_row(bad[i], &x, f), fields[i]);
	/* Thirteen diagnoses are one too many. */
	assert_string_equal(
	    referral_row((const char *const[]){"inbound", "7", "", "A", "B", "",
					       "I10;I10;I10;I10;I10;I10;I10;I10;I10;I10;I10;I10;I10", "", "", "", NULL},
			 &x, f),
	    "diagnoses");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reader_quoting), cmocka_unit_test(test_reader_errors), cmocka_unit_test(test_header),
	    cmocka_unit_test(test_partner_rows),   cmocka_unit_test(test_referral_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

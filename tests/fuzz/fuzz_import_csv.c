/* fuzz_import_csv: libFuzzer target for the CSV row reader and the row
 * mapping of io/import_csv.c (no database).
 *
 * The first byte picks the kind (partners or referrals) and how the rest is
 * chunked; the rest is a CSV file. Invariants: no crash or leak (ASan); every
 * row has 1..CSV_MAX_FIELDS fields, each NUL-terminated at its length, and
 * lines never go backwards; a refused header or row always names why; an
 * accepted referral has well-formed diagnoses JSON and a real state. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/import_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                                    \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz_import_csv: %s:%d: %s\n", __FILE__, __LINE__, #cond);                    \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

struct state {
	enum import_kind kind;
	bool have_header;
	struct import_columns cols;
	size_t last_line;
};

static int on_row(void *ctx, const struct csv_row *row)
{
	struct state *s = ctx;
	CHECK(row->n >= 1 && row->n <= CSV_MAX_FIELDS);
	CHECK(row->line >= s->last_line);
	s->last_line = row->line;
	for (size_t i = 0; i < row->n; i++)
		CHECK(!row->field[i] || (row->len[i] > 0 && row->field[i][row->len[i]] == '\0'));
	struct verr e = {0};
	if (!s->have_header) {
		if (import_header(s->kind, row, &s->cols, &e) == 0)
			s->have_header = true;
		else
			CHECK(e.set && e.message[0]);
		return 0;
	}
	if (s->kind == IMPORT_PARTNERS) {
		json_t *rec = NULL;
		const char *owner = NULL;
		if (import_partner_row(&s->cols, row, &rec, &owner, &e) == 0)
			CHECK(rec && json_is_string(json_object_get(rec, "name")));
		else
			CHECK(e.set && e.message[0] && !rec);
		json_decref(rec);
	} else {
		struct referral_row x;
		if (import_referral_row(&s->cols, row, 1800000000, &x, &e) == 0) {
			CHECK(x.status < RSTATE__COUNT && x.n_dx <= REFERRAL_MAX_DIAGNOSES);
			json_t *dx = json_loads(x.diagnoses, 0, NULL);
			CHECK(json_is_array(dx) && json_array_size(dx) == x.n_dx);
			json_decref(dx);
			CHECK(x.given && x.family);
		} else {
			CHECK(e.set && e.message[0]);
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct state s = {.kind = data[0] & 1 ? IMPORT_REFERRALS : IMPORT_PARTNERS};
	size_t step = (size_t)(data[0] >> 1) + 1;
	struct csv_reader r;
	csv_reader_init(&r, on_row, &s);
	int rc = 0;
	for (size_t i = 1; i < size && rc == 0; i += step)
		rc = csv_reader_feed(&r, (const char *)data + i, size - i < step ? size - i : step);
	if (rc == 0)
		rc = csv_reader_finish(&r);
	CHECK(rc == 0 || (rc == -1 && r.err[0]));
	csv_reader_release(&r);
	return 0;
}

/* import_csv: the CSV importer of partners and referrals (see import_csv.h
 * and docs/import.md). */
#include "service/actor.h"
#include "io/import_csv.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "service/audit.h"
#include "api/partners.h"
#include "service/partner.h"
#include "service/referral.h"
#include "service/settings.h"
#include "db/db.h"
#include "domain/completeness.h"
#include "domain/dates.h"
#include "domain/npi.h"
#include "domain/partner.h"
#include "domain/period.h"
#include "util/arena.h"
#include "util/strmap.h"
#include "util/buf.h"
#include "util/text.h"
#include "util/timefmt.h"
#include "util/xalloc.h"

/* ==== the row reader ==== */

static void on_field(void *s, size_t len, void *ctx)
{
	struct csv_reader *r = ctx;
	if (r->stop)
		return;
	if (r->nfields == 0) {
		/* The first field ends on the line being fed; it started as many
		 * lines earlier as it holds newlines. */
		size_t nl = 0;
		for (size_t i = 0; s && i < len; i++)
			nl += ((const char *)s)[i] == '\n';
		r->row_line = r->line - nl;
	}
	if (r->nfields >= CSV_MAX_FIELDS) {
		snprintf(r->err, sizeof(r->err), "line %zu: more than %d columns", r->row_line, CSV_MAX_FIELDS);
		r->stop = -1;
		return;
	}
	if (r->data.len + len + 1 > CSV_MAX_ROW) {
		snprintf(r->err, sizeof(r->err), "line %zu: the row is longer than %u bytes", r->row_line, CSV_MAX_ROW);
		r->stop = -1;
		return;
	}
	r->off[r->nfields] = r->data.len;
	r->len[r->nfields] = len;
	if (len)
		buf_append(&r->data, s, len);
	buf_putc(&r->data, '\0');
	r->nfields++;
}

static void on_row(int c, void *ctx)
{
	(void)c;
	struct csv_reader *r = ctx;
	if (!r->stop && r->nfields) {
		struct csv_row row;
		row.line = r->row_line;
		row.n = r->nfields;
		for (size_t i = 0; i < r->nfields; i++) {
			row.len[i] = r->len[i];
			row.field[i] = r->len[i] ? r->data.data + r->off[i] : NULL;
		}
		r->stop = r->fn(r->ctx, &row);
	}
	r->nfields = 0;
	buf_reset(&r->data);
}

static int no_space(unsigned char c)
{
	(void)c;
	return 0; /* RFC 4180: spaces are part of a field */
}

void csv_reader_init(struct csv_reader *r, csv_row_fn fn, void *ctx)
{
	memset(r, 0, sizeof(*r));
	if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		BUG("csv_init");
	csv_set_space_func(&r->p, no_space);
	r->fn = fn;
	r->ctx = ctx;
	r->line = 1;
	r->row_line = 1;
	buf_init(&r->data, 0);
}

void csv_reader_release(struct csv_reader *r)
{
	csv_free(&r->p);
	buf_release(&r->data);
}

/* Feeds one physical line at a time, so a callback knows the line it is on. */
static int feed_lines(struct csv_reader *r, const char *data, size_t len)
{
	while (len) {
		if (r->stop)
			return r->stop;
		const char *nl = memchr(data, '\n', len);
		size_t n = nl ? (size_t)(nl - data) + 1 : len;
		if (csv_parse(&r->p, data, n, on_field, on_row, r) != n && !r->stop) {
			snprintf(
			    r->err, sizeof(r->err),
			    "line %zu: malformed CSV: a quote inside an unquoted field, or text after a closing quote",
			    r->line);
			r->stop = -1;
		}
		if (r->stop)
			return r->stop;
		if (nl)
			r->line++;
		data += n;
		len -= n;
	}
	return r->stop;
}

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};

int csv_reader_feed(struct csv_reader *r, const char *data, size_t len)
{
	while (r->bom < 3 && len) {
		if ((unsigned char)*data == utf8_bom[r->bom]) {
			r->bom++;
			data++;
			len--;
			continue;
		}
		size_t matched = r->bom;
		r->bom = 3; /* not a BOM: the bytes matched so far are data */
		if (matched && feed_lines(r, (const char *)utf8_bom, matched))
			return r->stop;
	}
	return len ? feed_lines(r, data, len) : r->stop;
}

int csv_reader_finish(struct csv_reader *r)
{
	if (r->bom > 0 && r->bom < 3) {
		size_t matched = r->bom;
		r->bom = 3;
		if (feed_lines(r, (const char *)utf8_bom, matched))
			return r->stop;
	}
	if (r->stop)
		return r->stop;
	if (csv_fini(&r->p, on_field, on_row, r) != 0 && !r->stop) {
		snprintf(r->err, sizeof(r->err), "line %zu: a quoted field is not closed before the end of the file",
			 r->line);
		r->stop = -1;
	}
	return r->stop;
}

/* ==== the mapping ==== */

const char *const import_partner_columns[] = {
    "name",  "kind",	    "specialty",   "taxonomy_code", "organization", "phone",	 "email",  "address_line",
    "city",  "region",	    "postal_code", "country",	    "npi",	    "languages", "payers", "in_network",
    "stage", "owner_email", "owner_id",	   "checkin_days",  "notes",	    NULL};
const char *const import_referral_columns[] = {"direction",
					       "partner_id",
					       "partner_npi",
					       "patient_mrn",
					       "patient_given",
					       "patient_family",
					       "patient_birth_date",
					       "patient_sex",
					       "patient_phone",
					       "patient_language",
					       "patient_payer",
					       "urgency",
					       "reason",
					       "diagnoses",
					       "specialty",
					       "care_responsibility",
					       "status",
					       "created_at",
					       "history",
					       "medications",
					       "allergies",
					       "results",
					       "treatment",
					       "question",
					       NULL};

int import_header(enum import_kind kind, const struct csv_row *row, struct import_columns *c, struct verr *e)
{
	const char *const *names = kind == IMPORT_PARTNERS ? import_partner_columns : import_referral_columns;
	size_t nnames = kind == IMPORT_PARTNERS ? PC__COUNT : RC__COUNT;
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->ncols = row->n;
	for (size_t f = 0; f < IMPORT_MAX_COLS; f++)
		c->at[f] = -1;
	for (size_t i = 0; i < row->n; i++) {
		const char *h = row->field[i];
		if (!h) {
			char col[32];
			snprintf(col, sizeof(col), "%zu", i + 1);
			return verr_set(e, NULL, col, "the header has a column without a name");
		}
		size_t f = 0;
		while (f < nnames && strcmp(names[f], h) != 0)
			f++;
		if (f == nnames)
			return verr_set(e, NULL, h, "is not a known column (see liaison import --help)");
		if (c->at[f] >= 0)
			return verr_set(e, NULL, h, "appears twice in the header");
		c->at[f] = (int)i;
	}
	if (kind == IMPORT_PARTNERS) {
		if (c->at[PC_NAME] < 0)
			return verr_set(e, NULL, "name", "is a required column and the header has none");
		if (c->at[PC_OWNER_EMAIL] >= 0 && c->at[PC_OWNER_ID] >= 0)
			return verr_set(e, NULL, "owner_id", "give owner_email or owner_id, not both");
		return 0;
	}
	static const enum referral_col required[] = {RC_DIRECTION, RC_PATIENT_GIVEN, RC_PATIENT_FAMILY};
	for (size_t k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (c->at[required[k]] < 0)
			return verr_set(e, NULL, names[required[k]], "is a required column and the header has none");
	if (c->at[RC_PARTNER_ID] < 0 && c->at[RC_PARTNER_NPI] < 0)
		return verr_set(e, NULL, "partner_id",
				"is a required column (or partner_npi) and the header has neither");
	return 0;
}

/* The value of field f in row, NULL when the file has no such column or the
 * field is empty. */
static const char *col(const struct import_columns *c, const struct csv_row *row, int f, size_t *len)
{
	int i = c->at[f];
	if (i < 0 || (size_t)i >= row->n || !row->field[i]) {
		if (len)
			*len = 0;
		return NULL;
	}
	if (len)
		*len = row->len[i];
	return row->field[i];
}

static int row_width(const struct import_columns *c, const struct csv_row *row, struct verr *e)
{
	if (row->n != c->ncols)
		return verr_set(e, NULL, "", "the row has %zu fields and the header %zu", row->n, c->ncols);
	return 0;
}

/* A ';'-separated list as a JSON array of trimmed, non-empty strings. */
static json_t *split_list(const char *s)
{
	json_t *arr = json_array();
	while (s && *s) {
		const char *end = strchr(s, ';');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		const char *a = s, *b = s + n;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b > a)
			json_array_append_new(arr, json_stringn(a, (size_t)(b - a)));
		s = end ? end + 1 : s + n;
	}
	return arr;
}

static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"true", "yes", "y", "1", NULL}, *const no[] = {"false", "no", "n", "0", NULL};
	for (const char *const *p = yes; *p; p++)
		if (strcasecmp(s, *p) == 0)
			return *out = true, 0;
	for (const char *const *p = no; *p; p++)
		if (strcasecmp(s, *p) == 0)
			return *out = false, 0;
	return -1;
}

/* partner_validate names JSON paths; the CSV has flat columns. */
static void partner_field_to_column(struct verr *e)
{
	static const struct {
		const char *path, *column;
	} map[] = {{"address.line", "address_line"}, {"address.city", "city"},
		   {"address.region", "region"},     {"address.postal_code", "postal_code"},
		   {"address.country", "country"},   {"identifiers", "npi"},
		   {"languages", "languages"},	     {"payers", "payers"}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(e->field, map[i].path, strlen(map[i].path)) == 0) {
			snprintf(e->field, sizeof(e->field), "%s", map[i].column);
			return;
		}
}

int import_partner_row(const struct import_columns *c, const struct csv_row *row, json_t **out,
		       const char **owner_email, struct verr *e)
{
	*out = NULL;
	*owner_email = NULL;
	if (row_width(c, row, e))
		return -1;
	/* Every value must be text json_string() accepts. */
	for (int f = 0; f < PC__COUNT; f++) {
		size_t len;
		const char *v = col(c, row, f, &len);
		if (v && !text_valid_utf8(v, len))
			return verr_set(e, NULL, import_partner_columns[f],
					"must be valid UTF-8 text without NUL characters");
	}
	static const enum partner_col plain[] = {PC_NAME,  PC_KIND,  PC_SPECIALTY, PC_TAXONOMY_CODE, PC_ORGANIZATION,
						 PC_PHONE, PC_EMAIL, PC_STAGE,	   PC_NOTES};
	json_t *o = json_object();
	for (size_t k = 0; k < sizeof(plain) / sizeof(plain[0]); k++) {
		const char *v = col(c, row, (int)plain[k], NULL);
		if (v)
			json_object_set_new(o, import_partner_columns[plain[k]], json_string(v));
	}
	static const struct {
		enum partner_col f;
		const char *key;
	} addr[] = {{PC_ADDRESS_LINE, "line"},
		    {PC_CITY, "city"},
		    {PC_REGION, "region"},
		    {PC_POSTAL_CODE, "postal_code"},
		    {PC_COUNTRY, "country"}};
	json_t *a = NULL;
	for (size_t k = 0; k < sizeof(addr) / sizeof(addr[0]); k++) {
		const char *v = col(c, row, (int)addr[k].f, NULL);
		if (!v)
			continue;
		if (!a)
			a = json_object();
		json_object_set_new(a, addr[k].key, json_string(v));
	}
	if (a)
		json_object_set_new(o, "address", a);
	const char *npi = col(c, row, PC_NPI, NULL);
	if (npi)
		json_object_set_new(o, "identifiers", json_pack("[{ss ss}]", "scheme", "npi", "value", npi));
	const char *v;
	if ((v = col(c, row, PC_LANGUAGES, NULL)))
		json_object_set_new(o, "languages", split_list(v));
	if ((v = col(c, row, PC_PAYERS, NULL)))
		json_object_set_new(o, "payers", split_list(v));
	int rc = 0;
	if ((v = col(c, row, PC_IN_NETWORK, NULL))) {
		bool b;
		if (parse_bool(v, &b))
			rc = verr_set(e, NULL, "in_network", "must be true or false (or yes/no, 1/0)");
		else
			json_object_set_new(o, "in_network", json_boolean(b));
	}
	static const enum partner_col ints[] = {PC_OWNER_ID, PC_CHECKIN_DAYS};
	for (size_t k = 0; rc == 0 && k < 2; k++) {
		if (!(v = col(c, row, (int)ints[k], NULL)))
			continue;
		int64_t n;
		if (parse_int64(v, INT64_MIN, INT64_MAX, &n))
			rc = verr_set(e, NULL, import_partner_columns[ints[k]], "must be a whole number");
		else
			json_object_set_new(o, import_partner_columns[ints[k]], json_integer(n));
	}
	if (rc == 0 && (v = col(c, row, PC_OWNER_EMAIL, NULL))) {
		if (!valid_email(v))
			rc = verr_set(e, NULL, "owner_email", "must be an email address such as liaison@example.org");
		*owner_email = v;
	}
	if (rc == 0 && partner_validate(o, true, e)) {
		partner_field_to_column(e);
		rc = -1;
	}
	if (rc) {
		json_decref(o);
		return -1;
	}
	*out = o;
	return 0;
}

/* Applies a rule to a CSV value, naming the column. */
static int rule_col(const struct import_columns *c, const struct csv_row *row, int f, const struct text_rule *r,
		    struct verr *e, const char **out)
{
	size_t len;
	const char *v = col(c, row, f, &len);
	struct text_rule named = *r;
	named.key = import_referral_columns[f];
	if (vcheck_rule(&named, NULL, v, len, e))
		return -1;
	*out = v;
	return 0;
}

static const struct text_rule *find_rule(const struct text_rule *rules, const char *key)
{
	for (; rules->key; rules++)
		if (strcmp(rules->key, key) == 0)
			return rules;
	BUG("no rule");
	return NULL;
}

static int parse_created(const char *s, int64_t now, int64_t *out, struct verr *e)
{
	int64_t t;
	if (valid_date(s)) {
		char full[TIME_RFC3339_LEN];
		snprintf(full, sizeof(full), "%.10sT00:00:00Z", s);
		if (time_parse_rfc3339(full, &t))
			return verr_set(e, NULL, "created_at", "must be a date or date-time");
	} else if (time_parse_rfc3339(s, &t)) {
		return verr_set(e, NULL, "created_at",
				"must be a date (2025-03-14) or an RFC 3339 date-time (2025-03-14T09:30:00Z)");
	}
	if (t > now + 300)
		return verr_set(e, NULL, "created_at", "must not be in the future");
	*out = t;
	return 0;
}

static int parse_diagnoses(const char *s, struct referral_row *out, struct verr *e)
{
	char *w = out->diagnoses;
	*w++ = '[';
	out->n_dx = 0;
	while (s && *s) {
		const char *end = strchr(s, ';');
		size_t n = end ? (size_t)(end - s) : strlen(s);
		const char *a = s, *b = s + n;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		s = end ? end + 1 : s + n;
		if (a == b)
			continue;
		if (out->n_dx == REFERRAL_MAX_DIAGNOSES)
			return verr_set(e, NULL, "diagnoses", "must have at most %d codes", REFERRAL_MAX_DIAGNOSES);
		char code[16], norm[ICD10_NORM_MAX];
		struct verr ce = {0};
		size_t len = (size_t)(b - a);
		if (len < sizeof(code)) {
			memcpy(code, a, len);
			code[len] = '\0';
		}
		if (len >= sizeof(code) || referral_check_diagnosis(code, out->n_dx, &ce))
			return verr_set(e, NULL, "diagnoses", "\"%.*s\" %s", (int)(len < 20 ? len : 20), a,
					ce.set ? ce.message : "must be an ICD-10-CM code such as E11.9");
		icd10_normalize(code, norm);
		w += snprintf(w, ICD10_NORM_MAX + 4, "%s\"%s\"", out->n_dx ? "," : "", norm);
		out->n_dx++;
	}
	*w++ = ']';
	*w = '\0';
	return 0;
}

/* The text columns checked by a rule of the API's, by the rule's name: the
 * first eight the patient's (patient_rules), the rest the referral's. */
#define TEXT_COLS 12
static const struct {
	enum referral_col f;
	const char *key;
	size_t off;
} text_cols[TEXT_COLS] = {
    {RC_PATIENT_MRN, "mrn", offsetof(struct referral_row, mrn)},
    {RC_PATIENT_GIVEN, "given", offsetof(struct referral_row, given)},
    {RC_PATIENT_FAMILY, "family", offsetof(struct referral_row, family)},
    {RC_PATIENT_BIRTH_DATE, "birth_date", offsetof(struct referral_row, birth_date)},
    {RC_PATIENT_SEX, "sex", offsetof(struct referral_row, sex)},
    {RC_PATIENT_PHONE, "phone", offsetof(struct referral_row, phone)},
    {RC_PATIENT_LANGUAGE, "language", offsetof(struct referral_row, language)},
    {RC_PATIENT_PAYER, "payer", offsetof(struct referral_row, payer)},
    {RC_URGENCY, "urgency", offsetof(struct referral_row, urgency)},
    {RC_REASON, "reason", offsetof(struct referral_row, reason)},
    {RC_SPECIALTY, "specialty", offsetof(struct referral_row, specialty)},
    {RC_CARE_RESPONSIBILITY, "care_responsibility", offsetof(struct referral_row, care)},
};

/* Their rules, found by name once (found row by row, the lookups were a
 * sixth of the reading thread's time). */
static const struct text_rule *text_col_rules[TEXT_COLS];
static pthread_once_t text_cols_once = PTHREAD_ONCE_INIT;

static void find_text_col_rules(void)
{
	for (size_t k = 0; k < TEXT_COLS; k++)
		text_col_rules[k] = find_rule(k < 8 ? patient_rules : referral_text_rules, text_cols[k].key);
}

int import_referral_row(const struct import_columns *c, const struct csv_row *row, int64_t now,
			struct referral_row *out, struct verr *e)
{
	memset(out, 0, sizeof(*out));
	if (row_width(c, row, e))
		return -1;
	const char *v = col(c, row, RC_DIRECTION, NULL);
	if (!v)
		return verr_set(e, NULL, "direction", "is required");
	if (vcheck_enum(v, "direction", NULL, referral_directions, e))
		return -1;
	referral_direction_from_name(v, &out->direction);
	const char *pid = col(c, row, RC_PARTNER_ID, NULL);
	out->partner_npi = col(c, row, RC_PARTNER_NPI, NULL);
	if (!pid && !out->partner_npi)
		return verr_set(e, NULL, c->at[RC_PARTNER_ID] >= 0 ? "partner_id" : "partner_npi", "is required");
	if (pid && out->partner_npi)
		return verr_set(e, NULL, "partner_npi", "give partner_id or partner_npi, not both");
	if (pid && parse_int64(pid, 1, INT64_MAX, &out->partner_id))
		return verr_set(e, NULL, "partner_id", "must be a partner id (a whole number)");
	if (out->partner_npi && !npi_valid(out->partner_npi))
		return verr_set(e, NULL, "partner_npi",
				"is not a valid NPI: it must be 10 digits with a correct check digit");
	pthread_once(&text_cols_once, find_text_col_rules);
	for (size_t k = 0; k < TEXT_COLS; k++)
		if (rule_col(c, row, (int)text_cols[k].f, text_col_rules[k], e,
			     (const char **)((char *)out + text_cols[k].off)))
			return -1;
	if (date_check_birth(out->birth_date, now, import_referral_columns[RC_PATIENT_BIRTH_DATE], e))
		return -1;
	for (int k = 0; k < 6; k++)
		if (rule_col(c, row, RC_HISTORY + k, &referral_packet_rule, e, &out->packet[k]))
			return -1;
	if (parse_diagnoses(col(c, row, RC_DIAGNOSES, NULL), out, e))
		return -1;
	out->status = out->direction == RDIR_INBOUND ? RSTATE_SENT : RSTATE_DRAFT;
	if ((v = col(c, row, RC_STATUS, NULL)) && referral_state_from_name(v, &out->status))
		return verr_set(e, NULL, "status", "is not a referral state (draft, sent, received, accepted, ...)");
	if ((v = col(c, row, RC_CREATED_AT, NULL)) && parse_created(v, now, &out->created_at, e))
		return -1;
	return 0;
}

/* ==== the run ==== */

/* What the run knows of one partner. */
struct partner_info {
	int64_t id;
	bool active;
	const char *specialty; /* in the run's arena, or NULL */
};

struct import_run {
	struct db *db;
	const struct import_opts *o;
	struct import_columns cols;
	bool have_header;
	int64_t now;
	struct arena arena;
	struct db_bulk *bulk;	  /* the driver's bulk load (db.h) */
	struct referral_bulk *rb; /* the referrals stored (service/referral.h) */
	struct strmap patients;	  /* mrn -> patient id */
	struct strmap npis;	  /* npi -> partner id (active partners) */
	bool npis_loaded;
	struct partner_info *partners;
	size_t npartners, partners_cap;
	size_t *pindex;	   /* index + 1 into partners; 0 empty */
	size_t pindex_cap; /* a power of two */
	/* the row being stored as the reading thread mapped it (NULL: map it here) */
	const struct referral_row *pre;
	const struct verr *pre_err;
	const char *pre_key; /* its patient's search key, when the reading thread made it */
	int64_t pre_mrn;     /* its MRN's number (1, 2, ... in the order first seen), 0: none */
	/* The patient of each MRN number, 0 until known (rows mapped on the
	 * reading thread; the others use patients). */
	int64_t *patient_of;
	size_t patient_of_cap;
	int64_t rows, imported, skipped;
	int64_t created, updated, unchanged; /* partners: what each row imported did */
	/* progress */
	bool progress;
	int64_t file_size, bytes;
	struct timespec started, last_print;
	/* the first error */
	int status; /* 0, 1 (data refused) or -1 */
	char msg[512];
};

static int fail_db(struct import_run *r, int rc)
{
	if (r->status == 0) {
		r->status = -1;
		snprintf(r->msg, sizeof(r->msg), "database error: %s", db_errmsg(r->db));
	}
	return rc;
}

/* Partners by id: an open-addressing table of indexes into r->partners. */
static size_t *partner_slot(struct import_run *r, int64_t id)
{
	size_t mask = r->pindex_cap - 1;
	for (size_t i = ((uint64_t)id * 11400714819323198485ULL) >> 20 & mask;; i = (i + 1) & mask)
		if (!r->pindex[i] || r->partners[r->pindex[i] - 1].id == id)
			return &r->pindex[i];
}

static struct partner_info *partner_lookup(struct import_run *r, int64_t id, int *rc)
{
	if (r->pindex_cap) {
		size_t *slot = partner_slot(r, id);
		if (*slot)
			return &r->partners[*slot - 1];
	}
	struct db_stmt *st = NULL;
	*rc = db_prepare(r->db, "SELECT specialty, archived_at FROM partners WHERE id = ?", &st);
	if (*rc < 0)
		return NULL;
	db_bind_int(st, 1, id);
	int s = db_step(st);
	if (s < 0) {
		*rc = s;
		db_finalize(st);
		return NULL;
	}
	if (r->npartners == r->partners_cap) {
		r->partners_cap = r->partners_cap ? r->partners_cap * 2 : 64;
		r->partners = xrealloc(r->partners, r->partners_cap * sizeof(*r->partners));
		/* The index stays at most half full. */
		free(r->pindex);
		r->pindex_cap = r->partners_cap * 2;
		r->pindex = xcalloc(r->pindex_cap, sizeof(*r->pindex));
		for (size_t i = 0; i < r->npartners; i++)
			*partner_slot(r, r->partners[i].id) = i + 1;
	}
	struct partner_info *p = &r->partners[r->npartners++];
	p->id = id;
	*partner_slot(r, id) = r->npartners;
	p->active = s == DB_ROW && db_col_null(st, 1);
	p->specialty = s == DB_ROW && !db_col_null(st, 0) ? arena_strdup(&r->arena, db_col_text(st, 0)) : NULL;
	db_finalize(st);
	*rc = 0;
	return p;
}

/* Every active partner's NPI identifiers, once per run. */
static int load_npis(struct import_run *r)
{
	r->npis_loaded = true;
	struct db_stmt *st = NULL;
	int rc = db_prepare(r->db, "SELECT id, identifiers FROM partners WHERE archived_at IS NULL ORDER BY id", &st);
	if (rc < 0)
		return rc;
	while ((rc = db_step(st)) == DB_ROW) {
		json_t *ids = json_loads(db_col_text(st, 1), 0, NULL);
		size_t i;
		json_t *x;
		json_array_foreach(ids, i, x)
		{
			const char *scheme = jstr(x, "scheme"), *value = jstr(x, "value");
			int64_t have;
			if (scheme && value && strcmp(scheme, "npi") == 0 && !strmap_get(&r->npis, value, &have))
				strmap_put(&r->npis, value, db_col_int(st, 0));
		}
		json_decref(ids);
	}
	db_finalize(st);
	return rc < 0 ? rc : 0;
}

/* The run's message, which may hold a file's text (a column name, a
 * value): formatted whole, then cut between characters to fit r->msg. */
static void run_msg(struct import_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void run_msg(struct import_run *r, const char *fmt, ...)
{
	struct buf t;
	buf_init(&t, 0); /* bounded by the verr caps and the format */
	va_list ap;
	va_start(ap, fmt);
	(void)buf_vprintf(&t, fmt, ap);
	va_end(ap);
	text_copy(r->msg, sizeof(r->msg), t.data, t.len);
	buf_release(&t);
}

/* A bad row: reported and skipped with --skip-bad, else the end of the run. */
static int bad_row(struct import_run *r, size_t line, const struct verr *e)
{
	if (!r->o->skip_bad) {
		r->status = 1;
		if (e->field[0])
			run_msg(r, "line %zu, column %s: %s", line, e->field, e->message);
		else
			run_msg(r, "line %zu: %s", line, e->message);
		return 1;
	}
	if (r->progress)
		fputs("\r\033[K", r->o->err);
	if (e->field[0])
		fprintf(r->o->err, "import: line %zu, column %s: %s (skipped)\n", line, e->field, e->message);
	else
		fprintf(r->o->err, "import: line %zu: %s (skipped)\n", line, e->message);
	r->skipped++;
	return 0;
}

static double seconds_since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* After the rows: what the run is doing, on the progress line (a large
 * import spends seconds building indexes and writing). */
static void progress_phase(struct import_run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void progress_phase(struct import_run *r, const char *fmt, ...)
{
	if (!r->progress)
		return;
	va_list ap;
	va_start(ap, fmt);
	fprintf(r->o->err, "\r\033[Kimport: %" PRId64 " rows read; ", r->rows);
	vfprintf(r->o->err, fmt, ap);
	va_end(ap);
	fflush(r->o->err);
}

static void progress(struct import_run *r, bool force)
{
	if (!r->progress || (!force && r->rows % 1024))
		return;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!force && seconds_since(&r->last_print, &now) < 0.2)
		return;
	r->last_print = now;
	double secs = seconds_since(&r->started, &now);
	double rate = secs > 0 ? (double)r->rows / secs : 0;
	if (r->file_size > 0)
		fprintf(r->o->err, "\r\033[Kimport: %" PRId64 " rows, %.0f rows/s, %d%%", r->rows, rate,
			(int)(100.0 * (double)r->bytes / (double)r->file_size));
	else
		fprintf(r->o->err, "\r\033[Kimport: %" PRId64 " rows, %.0f rows/s", r->rows, rate);
	fflush(r->o->err);
}

/* A row updating a stored partner adds its identifiers to the partner's
 * own (held: stored JSON text) rather than replacing them; when it adds
 * none, rec's identifiers are dropped (the partner's stay as they are). */
static void merge_identifiers(json_t *rec, const char *held)
{
	json_t *ids = json_object_get(rec, "identifiers");
	if (!json_is_array(ids))
		return;
	json_t *have = json_loads(held ? held : "[]", 0, NULL);
	if (!json_is_array(have)) {
		json_decref(have);
		have = json_array();
	}
	bool added = false;
	size_t i, j;
	json_t *x, *y;
	json_array_foreach(ids, i, x)
	{
		const char *value = jstr(x, "value");
		char key[300], their[300];
		bool found = false;
		if (strlen(value) >= sizeof(key))
			continue; /* not reached: values are at most 64 characters */
		identifier_key(value, key);
		json_array_foreach(have, j, y)
		{
			const char *v = jstr(y, "value"), *scheme = jstr(y, "scheme");
			if (!v || !scheme || strlen(v) >= sizeof(their) || strcmp(scheme, jstr(x, "scheme")) != 0)
				continue;
			identifier_key(v, their);
			found |= strcmp(key, their) == 0;
		}
		if (!found) {
			json_array_append(have, x);
			added = true;
		}
	}
	if (added)
		json_object_set_new(rec, "identifiers", have);
	else {
		json_decref(have);
		json_object_del(rec, "identifiers");
	}
}

static int store_partner(struct import_run *r, const struct csv_row *row)
{
	struct verr e = {0};
	json_t *rec = NULL;
	const char *owner_email = NULL;
	if (import_partner_row(&r->cols, row, &rec, &owner_email, &e))
		return bad_row(r, row->line, &e);
	int rc = 0;
	int64_t owner = 0;
	if (owner_email) {
		rc = db_query_int(r->db, &owner, "SELECT id FROM users WHERE email = lower(?)", "t", owner_email);
		if (rc == DB_DONE)
			verr_set(&e, NULL, "owner_email", "names no user");
		else if (rc == DB_ROW)
			json_object_set_new(rec, "owner_id", json_integer(owner));
	} else if (json_is_integer(json_object_get(rec, "owner_id"))) {
		int64_t n = 0;
		rc = db_query_int(r->db, &n, "SELECT COUNT(*) FROM users WHERE id = ?", "i",
				  (int64_t)json_integer_value(json_object_get(rec, "owner_id")));
		if (rc >= 0 && !n)
			verr_set(&e, NULL, "owner_id", "names no user");
	}
	if (rc < 0) {
		json_decref(rec);
		return fail_db(r, rc);
	}
	if (e.set) {
		json_decref(rec);
		return bad_row(r, row->line, &e);
	}
	/* The same record and writes as the API's, without an audit entry per
	 * row: the run writes one for the whole file. A row that is a partner
	 * already stored (service/partner.h, partner_match: by identifier, then
	 * by folded name in the folded city) updates it instead — only the
	 * columns the file has, identifiers added to its own — or leaves it
	 * unchanged when it says what is stored. */
	struct partner p;
	struct arena a;
	struct actor cli = actor_system("cli");
	arena_init(&a);
	partner_defaults(&p);
	if (partner_apply_json(rec, &p, true, &a, &e)) {
		arena_release(&a);
		json_decref(rec);
		return bad_row(r, row->line, &e);
	}
	int64_t match = 0;
	rc = partner_match(r->db, &p, &match);
	struct partner old;
	if (rc == 1)
		rc = partner_get(r->db, match, &old, &a);
	int64_t *counter = &r->created;
	if (rc == 1) {
		merge_identifiers(rec, old.identifiers);
		p = old;
		if (partner_apply_json(rec, &p, false, &a, &e)) {
			arena_release(&a);
			json_decref(rec);
			return bad_row(r, row->line, &e);
		}
		if (fields_same(&partner_table, &old, &p)) {
			counter = &r->unchanged;
			rc = 0;
		} else {
			counter = &r->updated;
			rc = partner_update_quiet(r->db, &cli, &old, &p, true);
		}
	} else if (rc == 0) {
		rc = partner_create(r->db, &cli, &p, true);
	}
	if (rc == PARTNER_TAKEN) {
		/* The row's identifier is another partner's than the one it matched
		 * by name and city. */
		struct partner_clash c;
		rc = partner_identifier_clash(r->db, &p, match, &c, &a);
		if (rc == 1)
			verr_set(&e, NULL, "npi", "%s is partner %" PRId64 "'s (%s), not this one's", c.value, c.id,
				 c.name);
		arena_release(&a);
		json_decref(rec);
		return rc < 0 ? fail_db(r, rc) : bad_row(r, row->line, &e);
	}
	arena_release(&a);
	json_decref(rec);
	if (rc < 0)
		return fail_db(r, rc);
	(*counter)++;
	r->imported++;
	return 0;
}

/* The patient of a row: found by MRN, or made. search_key: the folded key
 * when the reading thread made it, else NULL; mrn_no: the number the reading
 * thread gave the MRN, 0 when it did not map the row. */
static int patient_id(struct import_run *r, const struct referral_row *x, const char *search_key, int64_t mrn_no,
		      int64_t *id)
{
	int64_t at = x->created_at ? x->created_at : r->now;
	int64_t *known = NULL;
	if (mrn_no) {
		if ((size_t)mrn_no >= r->patient_of_cap) {
			size_t cap = r->patient_of_cap ? r->patient_of_cap : 4096;
			while (cap <= (size_t)mrn_no)
				cap *= 2;
			r->patient_of = xrealloc(r->patient_of, cap * sizeof(*r->patient_of));
			memset(r->patient_of + r->patient_of_cap, 0,
			       (cap - r->patient_of_cap) * sizeof(*r->patient_of));
			r->patient_of_cap = cap;
		}
		known = &r->patient_of[mrn_no];
		if (*known) {
			*id = *known;
			return 0;
		}
	}
	if (x->mrn) {
		if (!known && strmap_get(&r->patients, x->mrn, id))
			return 0;
		int rc = referral_bulk_find_patient(r->rb, x->mrn, id);
		if (rc < 0)
			return rc;
		if (rc == 1) {
			if (known)
				*known = *id;
			else
				strmap_put(&r->patients, x->mrn, *id);
			return 0;
		}
	}
	struct patient p = {.mrn = x->mrn,
			    .given = x->given,
			    .family = x->family,
			    .birth_date = x->birth_date,
			    .sex = x->sex,
			    .phone = x->phone,
			    .language = x->language,
			    .payer = x->payer,
			    .search_key = search_key,
			    .created_at = at};
	*id = referral_bulk_patient(r->rb, &p);
	if (known)
		*known = *id;
	else if (x->mrn)
		strmap_put(&r->patients, x->mrn, *id);
	return 0;
}

static int store_referral(struct import_run *r, const struct csv_row *row)
{
	struct verr e = {0};
	struct referral_row own;
	const struct referral_row *x = r->pre; /* mapped and checked on the reading thread */
	if (r->pre_err)
		return bad_row(r, row->line, r->pre_err);
	if (!x) {
		if (import_referral_row(&r->cols, row, r->now, &own, &e))
			return bad_row(r, row->line, &e);
		x = &own;
	}
	int64_t partner_id = x->partner_id;
	char names[200];
	const struct urgency *u = referral_bulk_urgency(r->rb, x->urgency, names, sizeof(names));
	if (!u) {
		verr_set(&e, NULL, "urgency", "must be one of: %s", names);
		return bad_row(r, row->line, &e);
	}
	int rc = 0;
	if (x->partner_npi) {
		if (!r->npis_loaded && (rc = load_npis(r)) < 0)
			return fail_db(r, rc);
		if (!strmap_get(&r->npis, x->partner_npi, &partner_id)) {
			verr_set(&e, NULL, "partner_npi", "names no active partner");
			return bad_row(r, row->line, &e);
		}
	}
	struct partner_info *p = partner_lookup(r, partner_id, &rc);
	if (!p)
		return fail_db(r, rc);
	if (!p->active) {
		verr_set(&e, NULL, x->partner_npi ? "partner_npi" : "partner_id", "names no active partner");
		return bad_row(r, row->line, &e);
	}
	int64_t pid = 0;
	if ((rc = patient_id(r, x, r->pre_key, r->pre_mrn, &pid)) < 0)
		return fail_db(r, rc);
	struct referral_bulk_row br = {
	    .direction = x->direction,
	    .partner_id = partner_id,
	    .partner_specialty = p->specialty,
	    .urgency = u,
	    .specialty = x->specialty,
	    .care = x->care,
	    .reason = x->reason,
	    .diagnoses = x->diagnoses,
	    .n_diagnoses = x->n_dx,
	    .status = x->status,
	    .created_at = x->created_at,
	    .patient_id = pid,
	};
	for (int k = 0; k < 6; k++)
		br.packet[k] = x->packet[k];
	/* own is gone at the flush: its diagnoses are copied. */
	if ((rc = referral_bulk_add(r->rb, &br, x == &own)) < 0)
		return fail_db(r, rc);
	r->imported++;
	return 0;
}

static int on_record(void *ctx, const struct csv_row *row)
{
	struct import_run *r = ctx;
	if (!r->have_header) {
		struct verr e = {0};
		if (import_header(r->o->kind, row, &r->cols, &e)) {
			r->status = 1;
			run_msg(r, "line %zu, column %s: %s", row->line, e.field, e.message);
			return 1;
		}
		r->have_header = true;
		return 0;
	}
	r->rows++;
	int rc = r->o->kind == IMPORT_PARTNERS ? store_partner(r, row) : store_referral(r, row);
	progress(r, false);
	return rc ? 1 : 0;
}

/* A referral import of at least this many rows (about 150 bytes a row of
 * the file), into a database with fewer already, is a bulk load: the
 * referrals' indexes are built again at the end and, when the database is
 * the run's alone, SQLite writes with a rollback journal (db.h, bulk loads). */
#define IMPORT_BULK_ROWS 50000

/* The progress line while the indexes are built again. */
static void index_phase(void *arg, size_t i, size_t n, const char *name)
{
	progress_phase(arg, "building index %zu of %zu (%s)", i, n, name);
}

/* ==== the reading thread ====
 * Reading the file, its SHA-256 and the CSV parsing run on a thread of their
 * own, a few blocks of rows ahead of the run, which stores them in order on
 * the calling thread (the one that holds the database connection). A bad row
 * or a database error stops the run; the reader is then told to stop and
 * joined. The end of the file, a read error or malformed CSV comes as the
 * last block, after the rows read before it. */
#define READ_CHUNK (1u << 20)
#define READ_BLOCK_ROWS 256
#define READ_QUEUE 4

struct row_block {
	struct buf data; /* the fields' bytes, each NUL-terminated */
	size_t nrows, nfields;
	size_t rows_cap, fields_cap;
	size_t *line, *first; /* per row: its line, its first field (first[nrows] = nfields) */
	size_t *off, *len;    /* per field; off (size_t)-1 for an empty one */
	/* referrals: each row mapped and checked by import_referral_row() on the
	 * reading thread (parsed[i], with errs[i] when rcs[i] is not 0) */
	struct referral_row *parsed;
	struct verr *errs;
	int *rcs;
	size_t *key_off; /* per row: its patient's search key in keys, or (size_t)-1 */
	int64_t *mrn_no; /* per row: its MRN's number in the run (1, 2, ...), 0 for none */
	struct buf keys;
	size_t parsed_cap;
	bool have_parsed;
	int64_t bytes;	/* bytes of the file read when the block was sent */
	bool last;	/* the end: nothing follows */
	int stop;	/* last: the CSV reader's result (-1: err) */
	int read_errno; /* last: fread failed with it */
	char err[160];
};

struct read_ahead {
	FILE *f;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct row_block *queue[READ_QUEUE], *spare[READ_QUEUE + 2];
	size_t head, count, nspare;
	bool cancel;
	enum import_kind kind;
	int64_t now;
	/* the thread's own */
	bool have_header, header_ok;
	struct import_columns cols;
	struct csv_reader csv;
	struct strmap mrns; /* the MRNs of the rows mapped so far */
	struct row_block *cur;
	int64_t bytes;
	/* The file's SHA-256 through OpenSSL's libcrypto, which uses the
	 * processor's SHA instructions: five times libsodium's speed here (0.12
	 * s against 0.63 s for 216 MB), where hashing was an eighth of this
	 * thread's time. libsodium stays for secrets and the audit chain. */
	EVP_MD_CTX *sha;
};

static struct row_block *block_get(struct read_ahead *ra)
{
	pthread_mutex_lock(&ra->mu);
	struct row_block *b = ra->nspare ? ra->spare[--ra->nspare] : NULL;
	pthread_mutex_unlock(&ra->mu);
	if (!b) {
		b = xcalloc(1, sizeof(*b));
		buf_init(&b->data, 0);
		buf_init(&b->keys, 0);
	}
	buf_reset(&b->data);
	buf_reset(&b->keys);
	b->nrows = b->nfields = 0;
	b->have_parsed = false;
	b->last = false;
	b->stop = b->read_errno = 0;
	b->err[0] = '\0';
	return b;
}

static void block_free(struct row_block *b)
{
	if (!b)
		return;
	buf_release(&b->data);
	buf_release(&b->keys);
	free(b->key_off);
	free(b->mrn_no);
	free(b->line);
	free(b->first);
	free(b->off);
	free(b->len);
	free(b->parsed);
	free(b->errs);
	free(b->rcs);
	free(b);
}

/* Gives a block back for reuse (the run's thread, when done with it). */
static void block_put(struct read_ahead *ra, struct row_block *b)
{
	pthread_mutex_lock(&ra->mu);
	if (ra->nspare < sizeof(ra->spare) / sizeof(ra->spare[0])) {
		ra->spare[ra->nspare++] = b;
		b = NULL;
	}
	pthread_mutex_unlock(&ra->mu);
	block_free(b);
}

static void block_row(const struct row_block *b, size_t i, struct csv_row *row)
{
	row->line = b->line[i];
	row->n = b->first[i + 1] - b->first[i];
	for (size_t k = 0; k < row->n; k++) {
		size_t f = b->first[i] + k;
		row->len[k] = b->len[f];
		row->field[k] = b->off[f] == (size_t)-1 ? NULL : b->data.data + b->off[f];
	}
}

/* Referrals: the rows mapped and checked here, while the run stores the
 * rows before them (import_referral_row() is pure). The header is read here
 * too, for the columns; the run reads it again and reports its errors. */
static void block_parse(struct read_ahead *ra, struct row_block *b)
{
	if (ra->kind != IMPORT_REFERRALS)
		return;
	if (b->parsed_cap < b->rows_cap) {
		b->parsed_cap = b->rows_cap;
		b->parsed = xrealloc(b->parsed, b->parsed_cap * sizeof(*b->parsed));
		b->errs = xrealloc(b->errs, b->parsed_cap * sizeof(*b->errs));
		b->rcs = xrealloc(b->rcs, b->parsed_cap * sizeof(*b->rcs));
		b->key_off = xrealloc(b->key_off, b->parsed_cap * sizeof(*b->key_off));
		b->mrn_no = xrealloc(b->mrn_no, b->parsed_cap * sizeof(*b->mrn_no));
	}
	for (size_t i = 0; i < b->nrows; i++) {
		struct csv_row row;
		block_row(b, i, &row);
		b->rcs[i] = 1; /* not mapped */
		if (!ra->have_header) {
			struct verr e = {0};
			ra->have_header = true;
			ra->header_ok = import_header(ra->kind, &row, &ra->cols, &e) == 0;
			continue;
		}
		if (!ra->header_ok)
			continue;
		b->errs[i] = (struct verr){0};
		b->rcs[i] = import_referral_row(&ra->cols, &row, ra->now, &b->parsed[i], &b->errs[i]) ? -1 : 0;
		b->key_off[i] = (size_t)-1;
		b->mrn_no[i] = 0;
		if (b->rcs[i])
			continue;
		/* Each MRN gets a number, so that the run finds its patient in an
		 * array; the search key of a patient the run will likely create
		 * (at the first row with its MRN, or a row without one) is made
		 * here too. */
		const struct referral_row *x = &b->parsed[i];
		if (x->mrn && strmap_get(&ra->mrns, x->mrn, &b->mrn_no[i]))
			continue;
		if (x->mrn) {
			b->mrn_no[i] = (int64_t)ra->mrns.n + 1;
			strmap_put(&ra->mrns, x->mrn, b->mrn_no[i]);
		}
		char *key = patient_search_key(x->given, x->family, x->mrn);
		b->key_off[i] = b->keys.len;
		buf_append(&b->keys, key, strlen(key) + 1);
		free(key);
	}
	b->have_parsed = true;
}

/* Queues a block for the run; false when the run has stopped. */
static bool block_send(struct read_ahead *ra, struct row_block *b)
{
	block_parse(ra, b);
	b->bytes = ra->bytes;
	pthread_mutex_lock(&ra->mu);
	while (ra->count == READ_QUEUE && !ra->cancel)
		pthread_cond_wait(&ra->cv, &ra->mu);
	bool ok = !ra->cancel;
	if (ok) {
		ra->queue[(ra->head + ra->count++) % READ_QUEUE] = b;
		pthread_cond_broadcast(&ra->cv);
	}
	pthread_mutex_unlock(&ra->mu);
	if (!ok)
		block_free(b);
	return ok;
}

static struct row_block *block_receive(struct read_ahead *ra)
{
	pthread_mutex_lock(&ra->mu);
	while (ra->count == 0)
		pthread_cond_wait(&ra->cv, &ra->mu);
	struct row_block *b = ra->queue[ra->head];
	ra->head = (ra->head + 1) % READ_QUEUE;
	ra->count--;
	pthread_cond_broadcast(&ra->cv);
	pthread_mutex_unlock(&ra->mu);
	return b;
}

/* The CSV reader's callback on the reading thread: the row into the block. */
static int read_row(void *ctx, const struct csv_row *row)
{
	struct read_ahead *ra = ctx;
	struct row_block *b = ra->cur;
	if (b->nrows + 2 > b->rows_cap) {
		b->rows_cap = b->rows_cap ? 2 * b->rows_cap : READ_BLOCK_ROWS + 2;
		b->line = xrealloc(b->line, b->rows_cap * sizeof(*b->line));
		b->first = xrealloc(b->first, b->rows_cap * sizeof(*b->first));
	}
	if (b->nfields + row->n > b->fields_cap) {
		while (b->nfields + row->n > b->fields_cap)
			b->fields_cap = b->fields_cap ? 2 * b->fields_cap : 4096;
		b->off = xrealloc(b->off, b->fields_cap * sizeof(*b->off));
		b->len = xrealloc(b->len, b->fields_cap * sizeof(*b->len));
	}
	b->line[b->nrows] = row->line;
	b->first[b->nrows] = b->nfields;
	for (size_t i = 0; i < row->n; i++) {
		size_t k = b->nfields++;
		b->len[k] = row->len[i];
		if (!row->field[i]) {
			b->off[k] = (size_t)-1;
			continue;
		}
		b->off[k] = b->data.len;
		buf_append(&b->data, row->field[i], row->len[i] + 1);
	}
	b->first[++b->nrows] = b->nfields;
	if (b->nrows < READ_BLOCK_ROWS)
		return 0;
	if (!block_send(ra, b))
		return 1;
	ra->cur = block_get(ra);
	return 0;
}

static void *read_ahead_main(void *arg)
{
	struct read_ahead *ra = arg;
	char *chunk = xmalloc(READ_CHUNK);
	ra->cur = block_get(ra);
	size_t n;
	int stop = 0, read_errno = 0;
	while (!stop && (n = fread(chunk, 1, READ_CHUNK, ra->f)) > 0) {
		if (EVP_DigestUpdate(ra->sha, chunk, n) != 1)
			BUG("EVP_DigestUpdate");
		ra->bytes += (int64_t)n;
		stop = csv_reader_feed(&ra->csv, chunk, n);
	}
	if (!stop && ferror(ra->f))
		read_errno = errno ? errno : EIO;
	else if (!stop)
		stop = csv_reader_finish(&ra->csv);
	free(chunk);
	if (stop > 0) /* the run stopped: nobody waits for more */
		return NULL;
	struct row_block *b = ra->cur;
	b->last = true;
	b->stop = stop;
	b->read_errno = read_errno;
	snprintf(b->err, sizeof(b->err), "%s", ra->csv.err);
	block_send(ra, b);
	return NULL;
}

static void read_ahead_start(struct read_ahead *ra, FILE *f, enum import_kind kind, int64_t now)
{
	memset(ra, 0, sizeof(*ra));
	ra->f = f;
	ra->kind = kind;
	ra->now = now;
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->cv, NULL);
	ra->sha = EVP_MD_CTX_new();
	if (!ra->sha || EVP_DigestInit_ex(ra->sha, EVP_sha256(), NULL) != 1)
		BUG("EVP_DigestInit_ex");
	strmap_init(&ra->mrns);
	csv_reader_init(&ra->csv, read_row, ra);
	if (pthread_create(&ra->thread, NULL, read_ahead_main, ra) != 0)
		BUG("pthread_create");
}

/* Stops the reader (when it has not finished) and waits for it. */
static void read_ahead_stop(struct read_ahead *ra)
{
	pthread_mutex_lock(&ra->mu);
	ra->cancel = true;
	pthread_cond_broadcast(&ra->cv);
	pthread_mutex_unlock(&ra->mu);
	pthread_join(ra->thread, NULL);
	while (ra->count) {
		block_free(ra->queue[ra->head]);
		ra->head = (ra->head + 1) % READ_QUEUE;
		ra->count--;
	}
	while (ra->nspare)
		block_free(ra->spare[--ra->nspare]);
	csv_reader_release(&ra->csv);
	strmap_release(&ra->mrns);
	pthread_cond_destroy(&ra->cv);
	pthread_mutex_destroy(&ra->mu);
}

int import_csv_run(struct db *db, const struct import_opts *o, struct import_result *res, char *msg, size_t msglen)
{
	memset(res, 0, sizeof(*res));
	FILE *f = fopen(o->path, "rb");
	if (!f) {
		snprintf(msg, msglen, "cannot open %s: %s", o->path, strerror(errno));
		return -1;
	}
	struct import_run *r = xcalloc(1, sizeof(*r));
	struct read_ahead *ra = NULL;
	r->db = db;
	r->o = o;
	r->now = time_now();
	r->progress = o->progress;
	arena_init(&r->arena);
	strmap_init(&r->patients);
	strmap_init(&r->npis);
	struct stat sb;
	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode))
		r->file_size = (int64_t)sb.st_size;
	clock_gettime(CLOCK_MONOTONIC, &r->started);
	r->last_print = r->started;

	/* The driver's bulk load: a page cache that holds what the run writes,
	 * the parents checked here (the partner) or made here (the patient). A
	 * large import of referrals is a bulk load (IMPORT_BULK_ROWS). */
	int64_t have = 0;
	bool bulk = o->kind == IMPORT_REFERRALS && r->file_size / 150 >= IMPORT_BULK_ROWS &&
		    db_query_int(db, &have, "SELECT MAX(id) FROM referrals", NULL) >= 0 && r->file_size / 150 >= have;
	r->bulk = db_bulk_open(db, bulk ? DB_BULK_JOURNAL : 0);
	int rc = db_begin(db);
	if (rc == 0 && o->kind == IMPORT_REFERRALS)
		rc = referral_bulk_begin(db, r->bulk, bulk, r->now, &r->rb);
	if (rc < 0) {
		fail_db(r, rc);
		goto out;
	}

	ra = xmalloc(sizeof(*ra));
	read_ahead_start(ra, f, o->kind, r->now);
	for (bool done = false; !done;) {
		struct row_block *b = block_receive(ra);
		for (size_t i = 0; i < b->nrows && !done; i++) {
			struct csv_row row;
			block_row(b, i, &row);
			r->bytes = b->bytes;
			if (b->have_parsed && b->rcs[i] <= 0 && r->have_header) {
				r->pre = &b->parsed[i];
				r->pre_err = b->rcs[i] ? &b->errs[i] : NULL;
				r->pre_key =
				    !b->rcs[i] && b->key_off[i] != (size_t)-1 ? b->keys.data + b->key_off[i] : NULL;
				r->pre_mrn = b->rcs[i] ? 0 : b->mrn_no[i];
			}
			done = on_record(r, &row) != 0;
			r->pre = NULL;
			r->pre_err = NULL;
			r->pre_key = NULL;
			r->pre_mrn = 0;
		}
		/* The batches refer to the block's rows: written before it goes
		 * back to the reader. */
		if (r->status == 0 && r->rb && (rc = referral_bulk_flush(r->rb)) < 0) {
			fail_db(r, rc);
			done = true;
		}
		if (!done && b->last) {
			done = true;
			if (b->read_errno) {
				r->status = -1;
				snprintf(r->msg, sizeof(r->msg), "cannot read %s: %s", o->path,
					 strerror(b->read_errno));
			} else if (b->stop < 0) {
				r->status = 1;
				snprintf(r->msg, sizeof(r->msg), "%s", b->err);
			}
		}
		block_put(ra, b);
	}
	read_ahead_stop(ra);
	if (r->status == 0 && !r->have_header) {
		r->status = 1;
		snprintf(r->msg, sizeof(r->msg), "the file is empty: it needs a header row naming the columns");
	}
	if (r->status == 0) {
		unsigned char digest[crypto_hash_sha256_BYTES];
		char hex[crypto_hash_sha256_BYTES * 2 + 1];
		unsigned int dlen = 0;
		if (EVP_DigestFinal_ex(ra->sha, digest, &dlen) != 1 || dlen != sizeof(digest))
			BUG("EVP_DigestFinal_ex");
		sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
		char detail[384];
		if (o->kind == IMPORT_PARTNERS)
			snprintf(detail, sizeof(detail),
				 "{\"kind\":\"partners\",\"sha256\":\"%s\",\"rows\":%" PRId64 ",\"imported\":%" PRId64
				 ",\"created\":%" PRId64 ",\"updated\":%" PRId64 ",\"unchanged\":%" PRId64
				 ",\"skipped\":%" PRId64 "}",
				 hex, r->rows, r->imported, r->created, r->updated, r->unchanged, r->skipped);
		else
			snprintf(detail, sizeof(detail),
				 "{\"kind\":\"referrals\",\"sha256\":\"%s\",\"rows\":%" PRId64 ",\"imported\":%" PRId64
				 ",\"skipped\":%" PRId64 "}",
				 hex, r->rows, r->imported, r->skipped);
		rc = r->rb ? referral_bulk_end(r->rb, index_phase, r) : 0;
		struct actor cli = actor_system("cli");
		if (rc == 0)
			rc = audit_append(db, &cli, "import", o->kind == IMPORT_PARTNERS ? "partner" : "referral", 0,
					  "success", detail);
		if (rc == 0) {
			progress_phase(r, "writing to disk");
			rc = db_commit(db);
		}
		if (rc < 0)
			fail_db(r, rc);
	}
out:
	if (r->progress) {
		if (r->status == 0)
			progress(r, true);
		fputs("\r\033[K", o->err);
		fflush(o->err);
	}
	if (r->status != 0)
		db_rollback(db);
	referral_bulk_free(r->rb);
	db_bulk_close(r->bulk);
	int status = r->status;
	res->imported = r->imported;
	res->skipped = r->skipped;
	res->created = r->created;
	res->updated = r->updated;
	res->unchanged = r->unchanged;
	snprintf(msg, msglen, "%s", r->msg);
	strmap_release(&r->patients);
	strmap_release(&r->npis);
	arena_release(&r->arena);
	free(r->partners);
	free(r->pindex);
	free(r->patient_of);
	free(r);
	if (ra)
		EVP_MD_CTX_free(ra->sha);
	free(ra);
	fclose(f);
	return status;
}

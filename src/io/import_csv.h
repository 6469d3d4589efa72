/* import_csv: `liaison import partners|referrals FILE` — CSV files (RFC 4180)
 * read with libcsv and stored in one transaction through db.h.
 *
 * Three layers, each usable alone:
 *   - the row reader: bytes in (any chunking), records out, each with the
 *     physical line it starts on; a UTF-8 byte order mark at the very start
 *     is dropped; quoted fields may hold commas, quotes ("") and newlines;
 *     CRLF or LF line ends; an empty field reads as absent;
 *   - the mapping: the header row names the columns (any order; an unknown
 *     or repeated column, or a missing required one, is an error), and each
 *     row becomes a record checked by the same rules as the API
 *     (domain/partner.h, domain/referral_input.h) — pure, no I/O;
 *   - the run: validation that needs the database (the partner exists, the
 *     urgency is configured, the owner is a user), storage, one audit entry
 *     for the whole run, progress on a terminal.
 * The format of both files is described in docs/import.md.
 *
 * Not thread-safe per object; separate readers and runs are independent. */
#ifndef LIAISON_IMPORT_CSV_H
#define LIAISON_IMPORT_CSV_H

#include <csv.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "domain/icd10.h"
#include "domain/referral.h"
#include "domain/referral_input.h"
#include "util/buf.h"
#include "util/jcheck.h"

#define CSV_MAX_FIELDS 64      /* columns in one row */
#define CSV_MAX_ROW (4u << 20) /* bytes in one row, all fields together */

/* ---- the row reader ---- */

struct csv_row {
	size_t line;			   /* the physical line it starts on, from 1 */
	size_t n;			   /* fields in the row */
	const char *field[CSV_MAX_FIELDS]; /* NUL-terminated; NULL when empty */
	size_t len[CSV_MAX_FIELDS];
};

/* Called once per record; returning non-zero stops the reader and that
 * value comes back from csv_reader_feed/finish. The row and its fields are
 * valid only during the call. */
typedef int (*csv_row_fn)(void *ctx, const struct csv_row *row);

struct csv_reader {
	struct csv_parser p;
	csv_row_fn fn;
	void *ctx;
	size_t line;	 /* the line being fed */
	size_t row_line; /* where the record being read started */
	size_t bom;	 /* BOM bytes matched so far (3: done with the BOM) */
	struct buf data; /* the fields of the record being read */
	size_t nfields;
	size_t off[CSV_MAX_FIELDS];
	size_t len[CSV_MAX_FIELDS];
	int stop;      /* the callback's non-zero result */
	char err[160]; /* why the reader failed */
};

void csv_reader_init(struct csv_reader *r, csv_row_fn fn, void *ctx);
void csv_reader_release(struct csv_reader *r);
/* Returns 0, the callback's non-zero value, or -1 with r->err set (malformed
 * CSV, too many fields, a row too long). */
int csv_reader_feed(struct csv_reader *r, const char *data, size_t len);
/* The end of the input: delivers the last record when it has no line end. */
int csv_reader_finish(struct csv_reader *r);

/* ---- the mapping ---- */

enum import_kind { IMPORT_PARTNERS, IMPORT_REFERRALS };

/* The columns of each kind, in docs/import.md's order. */
enum partner_col {
	PC_NAME,
	PC_KIND,
	PC_SPECIALTY,
	PC_TAXONOMY_CODE,
	PC_ORGANIZATION,
	PC_PHONE,
	PC_EMAIL,
	PC_ADDRESS_LINE,
	PC_CITY,
	PC_REGION,
	PC_POSTAL_CODE,
	PC_COUNTRY,
	PC_NPI,
	PC_LANGUAGES,
	PC_PAYERS,
	PC_IN_NETWORK,
	PC_STAGE,
	PC_OWNER_EMAIL,
	PC_OWNER_ID,
	PC_CHECKIN_DAYS,
	PC_NOTES,
	PC__COUNT
};
enum referral_col {
	RC_DIRECTION,
	RC_PARTNER_ID,
	RC_PARTNER_NPI,
	RC_PATIENT_MRN,
	RC_PATIENT_GIVEN,
	RC_PATIENT_FAMILY,
	RC_PATIENT_BIRTH_DATE,
	RC_PATIENT_SEX,
	RC_PATIENT_PHONE,
	RC_PATIENT_LANGUAGE,
	RC_PATIENT_PAYER,
	RC_URGENCY,
	RC_REASON,
	RC_DIAGNOSES,
	RC_SPECIALTY,
	RC_CARE_RESPONSIBILITY,
	RC_STATUS,
	RC_CREATED_AT,
	RC_HISTORY,
	RC_MEDICATIONS,
	RC_ALLERGIES,
	RC_RESULTS,
	RC_TREATMENT,
	RC_QUESTION,
	RC__COUNT
};
extern const char *const import_partner_columns[];  /* NULL-ended, by enum partner_col */
extern const char *const import_referral_columns[]; /* NULL-ended, by enum referral_col */

#define IMPORT_MAX_COLS 32

struct import_columns {
	enum import_kind kind;
	size_t ncols;		 /* columns in the file */
	int at[IMPORT_MAX_COLS]; /* column of each field, -1 when the file has none */
};

/* Reads the header row. Returns 0, or -1 with e naming the column ("unknown
 * column", "appears twice", "is required"). */
int import_header(enum import_kind kind, const struct csv_row *row, struct import_columns *c, struct verr *e);

/* A partner row as the API's partner body (a new json_t the caller
 * json_decref()s), validated by partner_validate(); *owner_email (may stay
 * NULL) points into row. Returns 0, or -1 with e naming the CSV column. */
int import_partner_row(const struct import_columns *c, const struct csv_row *row, json_t **out,
		       const char **owner_email, struct verr *e);

/* A referral row. Strings point into the row (valid while it is). */
struct referral_row {
	enum rdirection direction;
	int64_t partner_id; /* 0 when partner_npi names the partner */
	const char *partner_npi;
	const char *mrn, *given, *family, *birth_date, *sex, *phone, *language, *payer;
	const char *urgency; /* NULL: the first configured class */
	const char *reason, *specialty, *care;
	const char *packet[6]; /* referral_packet_fields' order */
	enum rstate status;    /* default: sent (inbound) or draft (outbound) */
	int64_t created_at;    /* 0: now */
	size_t n_dx;
	char diagnoses[REFERRAL_MAX_DIAGNOSES * (ICD10_NORM_MAX + 3) + 3]; /* normalised, as JSON text */
};

/* Maps and checks a referral row; now bounds created_at (no later than now +
 * 5 minutes). Returns 0, or -1 with e naming the CSV column. */
int import_referral_row(const struct import_columns *c, const struct csv_row *row, int64_t now,
			struct referral_row *out, struct verr *e);

/* ---- the run ---- */

struct db;

struct import_opts {
	enum import_kind kind;
	const char *path;
	bool skip_bad; /* report and skip bad rows instead of stopping at the first */
	bool progress; /* the updating progress line on err (when it is a terminal) */
	FILE *err;     /* where bad rows and progress go (stderr) */
};

/* imported: rows stored (for partners: created + updated + unchanged);
 * skipped: bad rows passed over (--skip-bad). Partners only: a row matching
 * a stored partner (by identifier, then by folded name in the folded city)
 * updated it, or left it unchanged when it said what was stored; any other
 * row created one. */
struct import_result {
	int64_t imported, skipped;
	int64_t created, updated, unchanged;
};

/* Imports the file into db in one transaction with one audit entry.
 * Returns 0 (committed; res filled), 1 when the data is refused (nothing
 * stored; msg holds "line N, column C: why" or what is wrong with the file),
 * or -1 for an I/O or database failure (nothing stored; msg says why). */
int import_csv_run(struct db *db, const struct import_opts *o, struct import_result *res, char *msg, size_t msglen);

#endif

/* audit_chain: the hash that links each audit row to the one before it.
 * hash = hex(SHA-256(prev_hash, then each field as "<length>:<bytes>;",
 * NULL as "-;")). A removed, inserted or altered row breaks the chain.
 * Pure; thread-safe. The first row's prev_hash is AUDIT_GENESIS. */
#ifndef LIAISON_AUDIT_CHAIN_H
#define LIAISON_AUDIT_CHAIN_H

#include <stdbool.h>
#include <stdint.h>

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"
#define AUDIT_HASH_LEN 64

struct audit_row {
	int64_t id;
	int64_t at;
	bool has_user;
	int64_t user_id;
	const char *role; /* NULL allowed */
	const char *action;
	const char *record_type; /* NULL allowed */
	bool has_record;
	int64_t record_id;
	const char *client; /* NULL allowed */
	const char *outcome;
	const char *detail; /* NULL allowed */
};

/* Writes AUDIT_HASH_LEN hex digits and a NUL into out. */
void audit_chain_hash(const char *prev_hash, const struct audit_row *row, char out[AUDIT_HASH_LEN + 1]);

#endif

/* audit_chain: SHA-256 chaining of audit rows (libsodium). */
#include "domain/audit_chain.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void put(crypto_hash_sha256_state *st, const char *s)
{
	char len[32];
	if (!s) {
		crypto_hash_sha256_update(st, (const unsigned char *)"-;", 2);
		return;
	}
	int n = snprintf(len, sizeof(len), "%zu:", strlen(s));
	crypto_hash_sha256_update(st, (const unsigned char *)len, (unsigned long long)n);
	crypto_hash_sha256_update(st, (const unsigned char *)s, strlen(s));
	crypto_hash_sha256_update(st, (const unsigned char *)";", 1);
}

static void put_int(crypto_hash_sha256_state *st, bool present, int64_t v)
{
	char num[32];
	if (!present) {
		put(st, NULL);
		return;
	}
	snprintf(num, sizeof(num), "%" PRId64, v);
	put(st, num);
}

void audit_chain_hash(const char *prev_hash, const struct audit_row *r, char out[AUDIT_HASH_LEN + 1])
{
	crypto_hash_sha256_state st;
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&st);
	put(&st, prev_hash);
	put_int(&st, true, r->id);
	put_int(&st, true, r->at);
	put_int(&st, r->has_user, r->user_id);
	put(&st, r->role);
	put(&st, r->action);
	put(&st, r->record_type);
	put_int(&st, r->has_record, r->record_id);
	put(&st, r->client);
	put(&st, r->outcome);
	put(&st, r->detail);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(out, AUDIT_HASH_LEN + 1, digest, sizeof(digest));
}

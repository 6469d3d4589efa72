/* secret: argon2id password hashes, random tokens, SHA-256 token hashes. */
#include "util/secret.h"

#include <sodium.h>
#include <string.h>

#include "util/xalloc.h"

/* An argon2id hash with the parameters of password_hash (m=64 MiB, t=2) of
 * 32 random bytes that were thrown away: verifying against it costs what a
 * real check costs and never succeeds. Computing one at start-up instead
 * took 75 ms and 64 MiB before the server could answer. */
static const char dummy_hash[crypto_pwhash_STRBYTES] = "$argon2id$v=19$m=65536,t=2,p=1$+PkQu3HEmbqcaQozJWLDDg$"
						       "f+aFztSFrcJcXjPfopJ83fchBiCp5WkjmDDMm60f0Ag";

int secret_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int password_hash(const char *password, char *out, size_t outlen)
{
	if (outlen < crypto_pwhash_STRBYTES)
		BUG("password_hash: output too small");
	return crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0
		   ? 0
		   : -1;
}

bool password_verify(const char *hash, const char *password)
{
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void password_verify_dummy(const char *password)
{
	(void)password_verify(dummy_hash, password);
}

bool password_dummy_is_current(void)
{
	return crypto_pwhash_str_needs_rehash(dummy_hash, crypto_pwhash_OPSLIMIT_INTERACTIVE,
					      crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;
}

void token_new(const char *prefix, char out[SECRET_TOKEN_MAX])
{
	unsigned char raw[32];
	size_t plen = strlen(prefix);
	if (plen > 16)
		BUG("token prefix too long");
	randombytes_buf(raw, sizeof(raw));
	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): bin2base64 ends it with a NUL */
	memcpy(out, prefix, plen);
	sodium_bin2base64(out + plen, SECRET_TOKEN_MAX - plen, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void token_hash(const char *s, char out[SECRET_HASH_HEX])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)s, strlen(s));
	sodium_bin2hex(out, SECRET_HASH_HEX, digest, sizeof(digest));
}

bool secret_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

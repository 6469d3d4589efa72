/* secret: passwords and tokens (libsodium).
 * Passwords are argon2id strings (crypto_pwhash_str, interactive limits).
 * Tokens are 32 random bytes in base64url with a prefix; only their SHA-256
 * (hex) is ever stored. secret_init() must run once before any other call;
 * after it every function is thread-safe. Secrets are never logged. */
#ifndef LIAISON_SECRET_H
#define LIAISON_SECRET_H

#include <stdbool.h>
#include <stddef.h>

#define SECRET_HASH_HEX 65  /* 64 hex digits + NUL */
#define SECRET_TOKEN_MAX 64 /* room for prefix + 43 base64url chars + NUL */
#define PASSWORD_MIN 10
#define PASSWORD_MAX 256

int secret_init(void);
/* out must hold crypto_pwhash_STRBYTES (128) bytes. Returns 0 or -1. */
int password_hash(const char *password, char *out, size_t outlen);
bool password_verify(const char *hash, const char *password);
/* Spends the time of a verification without a hash: for unknown users. */
void password_verify_dummy(const char *password);
/* True while the dummy hash has the parameters password_hash uses now (so
 * it costs the same as a real check); a unit test keeps it so. */
bool password_dummy_is_current(void);
/* A new random token "<prefix><base64url>"; out holds SECRET_TOKEN_MAX. */
void token_new(const char *prefix, char out[SECRET_TOKEN_MAX]);
/* SHA-256 of s as 64 hex digits. */
void token_hash(const char *s, char out[SECRET_HASH_HEX]);
/* Constant-time equality of two NUL-terminated strings. */
bool secret_equal(const char *a, const char *b);

#endif

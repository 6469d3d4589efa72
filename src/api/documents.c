/* documents: attachments of a referral, stored in the database with the
 * SHA-256 of their bytes, streamed back identical. Uploads are the raw body
 * (?filename= and the Content-Type) or multipart/form-data (field "file").
 * Downloads are always attachments, with a sanitised file name, and are
 * checked against the recorded hash before they leave. The rows are
 * service/referral.c's (document_attach writes the audit entry). */
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/handlers.h"
#include "api/referrals.h"
#include "http/http.h"
#include "service/referral.h"
#include "util/log.h"
#include "util/multipart.h"
#include "util/text.h"
#include "util/timefmt.h"

#define DOCUMENT_MAX (10 * 1024 * 1024)

/* Types served as themselves; anything else goes out as octet-stream. */
static const char *const known_types[] = {"application/pdf",
					  "image/png",
					  "image/jpeg",
					  "image/gif",
					  "image/tiff",
					  "text/plain",
					  "application/xml",
					  "text/xml",
					  "application/dicom",
					  "application/msword",
					  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
					  NULL};

static const char *safe_type(const char *ct)
{
	if (!ct)
		return "application/octet-stream";
	size_t n = strcspn(ct, "; ");
	for (const char *const *k = known_types; *k; k++)
		if (strlen(*k) == n && strncasecmp(ct, *k, n) == 0)
			return *k;
	return "application/octet-stream";
}

/* Keeps the last path segment and drops control characters, quotes, path
 * separators and anything that could break a header; never empty. */
static char *safe_filename(struct arena *a, const char *in)
{
	const char *base = in ? in : "";
	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	char *out = arena_alloc(a, strlen(base) + 16), *o = out;
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)base; *p && (chars < 200 || (*p & 0xc0) == 0x80); p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '"' || *p == ';' || *p == '%' || *p == '*')
			continue;
		*o++ = (char)*p;
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	*o = '\0';
	if (!text_valid_utf8(out, strlen(out)) || strspn(out, ". ") == strlen(out))
		return arena_strdup(a, "document");
	return out;
}

static void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, data, len);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

int api_documents_create(struct req *req, struct resp *resp)
{
	const char *ct = req_header(req, "Content-Type");
	const char *data = req->raw, *filename = req_query(req, "filename"), *type = ct;
	size_t len = req->raw_len;
	struct multipart_file part;
	if (ct && strncasecmp(ct, "multipart/form-data", 19) == 0) {
		const char *why = NULL;
		if (multipart_find(ct, req->raw, req->raw_len, "file", &part, &why))
			return resp_error(resp, 400, "malformed_request", "file", "%s", why);
		data = part.data;
		len = part.len;
		filename = part.filename[0] ? part.filename : filename;
		type = part.content_type[0] ? part.content_type : "application/octet-stream";
	} else if (!filename || !*filename) {
		return resp_error(resp, 422, "validation_failed", "filename",
				  "Give the file name as ?filename= (or upload as multipart/form-data)");
	}
	if (len == 0)
		return resp_error(resp, 422, "validation_failed", "file", "The document is empty");
	if (len > DOCUMENT_MAX)
		return resp_error(resp, 413, "too_large", NULL, "Documents may be at most 10 MiB");
	char *name = safe_filename(req->arena, filename);
	char hash[65];
	sha256_hex(data, len, hash);

	struct document d = {.referral_id = req->id, .filename = name, .content_type = safe_type(type), .sha256 = hash};
	int rc = document_attach(req->db, &req->user, &d, data, len, 0);
	if (rc < 0)
		return rc;
	resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/documents/%" PRId64, d.id));
	return resp_json(resp, 201, document_json(&d));
}

static void list_one(void *arg, const struct document *d)
{
	json_array_append_new(arg, document_json(d));
}

int api_documents_list(struct req *req, struct resp *resp)
{
	struct referral_head h = {0};
	int rc = referral_head_load(req->db, req->id, &h);
	if (rc < 0)
		return rc;
	if (!rc)
		return resp_error(resp, 404, "not_found", NULL, "No referral has id %" PRId64, req->id);
	json_t *items = json_array();
	rc = document_list(req->db, req->id, list_one, items);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	return resp_json(resp, 200, json_pack("{so so}", "items", items, "next_cursor", json_null()));
}

/* RFC 6266: an ASCII fallback and the UTF-8 name percent-encoded. */
static const char *disposition(struct arena *a, const char *name)
{
	size_t n = strlen(name);
	char *ascii = arena_alloc(a, n + 1), *enc = arena_alloc(a, n * 3 + 1);
	size_t ai = 0, ei = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		/* The ASCII fallback: one '_' for each run of other characters. */
		if (*p < 0x80 && *p != '\\')
			ascii[ai++] = (char)*p;
		else if (ai == 0 || ascii[ai - 1] != '_')
			ascii[ai++] = '_';
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		    *p == '-' || *p == '_')
			enc[ei++] = (char)*p;
		else
			ei += (size_t)snprintf(enc + ei, 4, "%%%02X", *p);
	}
	ascii[ai] = enc[ei] = '\0';
	return arena_printf(a, "attachment; filename=\"%s\"; filename*=UTF-8''%s", ascii, enc);
}

int api_documents_get(struct req *req, struct resp *resp)
{
	struct document d;
	const void *data = NULL;
	size_t len = 0;
	int rc = document_get(req->db, req->id, &d, &data, &len, req->arena);
	if (rc <= 0)
		return rc < 0 ? rc : resp_error(resp, 404, "not_found", NULL, "No document has id %" PRId64, req->id);
	char hash[65];
	sha256_hex(data, len, hash);
	if (strcmp(hash, d.sha256) != 0 || (int64_t)len != d.size) {
		log_error("document %" PRId64 ": stored bytes do not match their SHA-256", req->id);
		return resp_error(resp, 500, "internal", NULL, "The stored document is damaged; it has been logged");
	}
	resp->status = 200;
	resp->data = data;
	resp->len = len;
	resp->content_type = d.content_type;
	resp_header(resp, "Content-Disposition", disposition(req->arena, d.filename));
	unsigned char raw[crypto_hash_sha256_BYTES];
	char b64[64];
	sodium_hex2bin(raw, sizeof(raw), hash, 64, NULL, NULL, NULL);
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_ORIGINAL);
	resp_header(resp, "Repr-Digest", arena_printf(req->arena, "sha-256=:%s:", b64));
	return 0;
}

/* multipart: a bounded multipart/form-data reader for one file part. */
#include "util/multipart.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/text.h"

static const char *find(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0 || hlen < nlen)
		return NULL;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
			return hay + i;
	return NULL;
}

/* Copies the value of param (name="..." or name=token) from a header line. */
static int header_param(const char *line, size_t len, const char *param, char *out, size_t outlen)
{
	size_t plen = strlen(param);
	for (size_t i = 0; i + plen + 1 <= len; i++) {
		if ((i == 0 || line[i - 1] == ';' || line[i - 1] == ' ') && strncasecmp(line + i, param, plen) == 0 &&
		    line[i + plen] == '=') {
			const char *v = line + i + plen + 1, *end = line + len;
			size_t n = 0;
			if (v < end && *v == '"') {
				v++;
				while (v + n < end && v[n] != '"')
					n++;
			} else {
				while (v + n < end && v[n] != ';' && v[n] != ' ')
					n++;
			}
			if (n >= outlen) /* cut between characters: a long Arabic name stays UTF-8 */
				n = text_cut(v, n, outlen - 1);
			memcpy(out, v, n);
			out[n] = '\0';
			return 0;
		}
	}
	return -1;
}

int multipart_find(const char *content_type, const char *body, size_t len, const char *field,
		   struct multipart_file *out, const char **why)
{
	char boundary[80], delim[84];
	memset(out, 0, sizeof(*out));
	if (!content_type || strncasecmp(content_type, "multipart/form-data", 19) != 0 ||
	    header_param(content_type, strlen(content_type), "boundary", boundary, sizeof(boundary)) || !boundary[0] ||
	    strlen(boundary) > 70) {
		*why = "the Content-Type has no valid multipart boundary";
		return -1;
	}
	int dl = snprintf(delim, sizeof(delim), "--%s", boundary);
	const char *p = find(body, len, delim, (size_t)dl), *end = body + len;
	while (p) {
		p += dl;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* the closing delimiter */
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			break;
		p += 2;
		const char *hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hend)
			break;
		char name[128] = "", filename[256] = "", ctype[128] = "";
		for (const char *line = p; line < hend;) {
			const char *eol = find(line, (size_t)(hend - line), "\r\n", 2);
			size_t ll = eol ? (size_t)(eol - line) : (size_t)(hend - line);
			if (ll > 20 && strncasecmp(line, "Content-Disposition:", 20) == 0) {
				header_param(line + 20, ll - 20, "name", name, sizeof(name));
				header_param(line + 20, ll - 20, "filename", filename, sizeof(filename));
			} else if (ll > 13 && strncasecmp(line, "Content-Type:", 13) == 0) {
				const char *v = line + 13;
				size_t vl = ll - 13;
				while (vl && *v == ' ') {
					v++;
					vl--;
				}
				if (vl >= sizeof(ctype))
					vl = sizeof(ctype) - 1;
				memcpy(ctype, v, vl);
				ctype[vl] = '\0';
			}
			line += ll + 2;
		}
		const char *data = hend + 4;
		char next[90];
		int nl = snprintf(next, sizeof(next), "\r\n%s", delim);
		const char *stop = find(data, (size_t)(end - data), next, (size_t)nl);
		if (!stop)
			break;
		if (strcmp(name, field) == 0) {
			out->data = data;
			out->len = (size_t)(stop - data);
			memcpy(out->filename, filename, sizeof(filename));
			memcpy(out->content_type, ctype, sizeof(ctype));
			return 0;
		}
		p = stop + 2;
	}
	*why = "no complete part named 'file' in the multipart body";
	return -1;
}

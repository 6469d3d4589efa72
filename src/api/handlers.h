/* handlers: the declarations of every route handler, from routes.def. */
#ifndef LIAISON_HANDLERS_H
#define LIAISON_HANDLERS_H

struct req;
struct resp;

#define ROUTE(method, pattern, handler, perm, flags, scope, params, limit, summary)                                    \
	int handler(struct req *req, struct resp *resp);
#include "http/routes.def"
#undef ROUTE

#endif

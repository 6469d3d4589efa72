/* Compiled by ctest (CMakeLists.txt, unit.jw_key_*): jw_key takes a string
 * literal only. With -DCOMPUTED this file must fail to compile; without it,
 * the same calls with a literal and jw_key_escaped must compile. */
#include "util/jw.h"

void write_member(struct jw *w, const char *computed);

void write_member(struct jw *w, const char *computed)
{
#ifdef COMPUTED
	jw_key(w, computed);
#else
	jw_key(w, "literal");
	jw_key_escaped(w, computed);
#endif
	jw_int(w, 1);
}

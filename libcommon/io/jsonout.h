/*
 * JSON writing, one record a line: integers as integers, doubles in the
 * shortest form that reads back to the same value, never NaN or Inf.
 */
#ifndef RT_JSONOUT_H
#define RT_JSONOUT_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

enum { JW_MAXDEPTH = 64 };

struct jw {
	FILE	*fp;
	char	*buf;
	size_t	 len, cap;
	int	 depth;
	int	 first[JW_MAXDEPTH];	/* no value written yet at this depth */
	int	 after_key;
	int	 pretty;
};

void jsonout_init(struct jw *w, FILE *fp);
void jsonout_free(struct jw *w);

void jsonout_obj(struct jw *w);
void jsonout_obj_end(struct jw *w);
/*
 * Open an object with bytes already made: head[0..len) is an object as
 * read, up to (not including) its closing brace (jsonin_object_head),
 * with members if it has any.  The bytes go out unchanged, the fields
 * written next follow them, and jsonout_obj_end closes it.
 */
void jsonout_obj_resume(struct jw *w, const char *head, size_t len,
    int members);
void jsonout_arr(struct jw *w);
void jsonout_arr_end(struct jw *w);
void jsonout_key(struct jw *w, const char *key);
void jsonout_int(struct jw *w, int64_t v);
/* A non-finite double is written as null: NaN/Inf never reach output. */
void jsonout_num(struct jw *w, double v);
void jsonout_str(struct jw *w, const char *s);
void jsonout_bool(struct jw *w, int v);
void jsonout_null(struct jw *w);
/* A cJSON value, numbers formatted as above. */
void jsonout_cjson(struct jw *w, const cJSON *v);
/* End the record: newline, and hand the bytes to stdio. */
void jsonout_endline(struct jw *w);

/* Convenience: key and value in one call. */
void jsonout_kint(struct jw *w, const char *key, int64_t v);
void jsonout_knum(struct jw *w, const char *key, double v);
void jsonout_kstr(struct jw *w, const char *key, const char *s);

#endif

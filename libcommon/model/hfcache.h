/*
 * A model's config.json in the local Hugging Face hub cache, found by its
 * model id ("meta-llama/Llama-2-70b-hf") the way huggingface_hub lays it
 * out: CACHE/models--ORG--NAME/snapshots/REVISION/config.json, the
 * revision refs/main names.  Never the network.
 */
#ifndef RT_HFCACHE_H
#define RT_HFCACHE_H

#include <stddef.h>

/*
 * Could arg be a hub model id (NAME or ORG/NAME, no path syntax)?  The
 * programs take ORG/NAME only: a bare name is a shipped model.
 */
int hfcache_is_id(const char *arg);

/*
 * The config.json of model id in the first cache that holds it, into
 * path: 0.  Else -1, with every place looked in (and why each failed)
 * written to looked, "; "-separated.  The caches, in order:
 * $HF_HUB_CACHE, $HUGGINGFACE_HUB_CACHE, $HF_HOME/hub,
 * $XDG_CACHE_HOME/huggingface/hub, $HOME/.cache/huggingface/hub.
 */
int hfcache_find(const char *id, char *path, size_t psz, char *looked,
    size_t lsz);

#endif

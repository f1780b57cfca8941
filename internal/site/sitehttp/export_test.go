package sitehttp

// OnMissingKey makes h report interface keys its catalogues lack.
func (h *Handler) OnMissingKey(f func(lang, key string)) { h.cat.missing = f }

// Package metrics exports fastauth's Prometheus metrics with
// github.com/prometheus/client_golang. It is opt-in: nothing is recorded
// until an application makes a Metrics on a registry of its choosing (no
// global registry) and gives it to fastauth, which reports through the
// Observer interface; a service that never imports this package does not
// link client_golang.
//
//	reg := prometheus.NewRegistry()
//	m, err := metrics.New(reg)
//	// give m to fastauth (its Config's observer) and to the webhook worker
//	router.GET("/metrics", gin.WrapH(metrics.Handler(reg)))
//
// The series (all prefixed fastauth_):
//
//	sign_ins_total{result}                     sign-in attempts by result
//	refreshes_total{result}                    refresh-token rotations by result
//	refresh_replays_total                      reuses of a consumed refresh token
//	rate_limited_requests_total{route}         requests answered 429, by route template
//	password_hash_seconds                      argon2id time per hash (histogram)
//	password_hash_wait_seconds                 wait for a hashing slot (histogram)
//	token_cache_lookups_total{cache,result}    verified-token cache hits and misses
//	webhook_deliveries_total{result}           webhook attempts: delivered, retry, failed
//	webhook_queue_depth                        pending webhook deliveries
//
// Labels take values from small fixed sets, and route templates (not
// paths) capped in number: no user id, email, token or key ever becomes a
// label, and a caller passing one gets "other" instead.
package metrics

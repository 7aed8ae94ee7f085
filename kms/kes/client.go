package kes

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/silo-project/silo/kms"
)

// Defaults of Config.
const (
	DefaultTimeout     = 10 * time.Second
	DefaultDialTimeout = 3 * time.Second
)

// Config describes a Client.
type Config struct {
	// Endpoints are the KES servers, "https://host:port"; a request that
	// cannot reach one (network error, 5xx) is retried on the next.
	Endpoints []string
	// DefaultKey is the master key used when a caller gives no name.
	DefaultKey string
	// TLS carries the client certificate and the trusted roots.
	TLS *tls.Config
	// Timeout bounds one attempt on one endpoint; 0 means DefaultTimeout.
	Timeout time.Duration
	// DialTimeout bounds connecting to an endpoint; 0 means
	// DefaultDialTimeout. A dead endpoint costs at most this long.
	DialTimeout time.Duration
}

// Client is a kms.KMS talking to KES servers. Safe for concurrent use.
type Client struct {
	endpoints  []*url.URL
	defaultKey string
	timeout    time.Duration
	http       *http.Client
	next       atomic.Uint32 // round-robin start endpoint
	usePOST    atomic.Bool   // the server wants POST for create/generate/decrypt (older KES)
}

var (
	_ kms.KMS          = (*Client)(nil)
	_ kms.KeyDescriber = (*Client)(nil)
)

// New returns a Client for cfg. It checks the configuration only; it does
// not contact the servers.
func New(cfg Config) (*Client, error) {
	if len(cfg.Endpoints) == 0 {
		return nil, errors.New("kes: no endpoints")
	}
	if !kms.ValidKeyName(cfg.DefaultKey) {
		return nil, fmt.Errorf("kes: default key %q: %w", cfg.DefaultKey, kms.ErrInvalidKeyName)
	}
	c := &Client{defaultKey: cfg.DefaultKey, timeout: cfg.Timeout}
	for _, e := range cfg.Endpoints {
		e = strings.TrimSpace(e)
		if !strings.Contains(e, "://") {
			e = "https://" + e
		}
		u, err := url.Parse(e)
		if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
			return nil, fmt.Errorf("kes: invalid endpoint %q", e)
		}
		u.Path = strings.TrimSuffix(u.Path, "/")
		c.endpoints = append(c.endpoints, u)
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	dial := cfg.DialTimeout
	if dial <= 0 {
		dial = DefaultDialTimeout
	}
	var tlsConf *tls.Config
	if cfg.TLS != nil {
		tlsConf = cfg.TLS.Clone()
	}
	c.http = &http.Client{
		Transport: &http.Transport{
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: dial, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:     tlsConf,
			TLSHandshakeTimeout: dial,
			ForceAttemptHTTP2:   true,
			MaxIdleConnsPerHost: 32,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return c, nil
}

// Endpoints returns the configured endpoints.
func (c *Client) Endpoints() []string {
	out := make([]string, len(c.endpoints))
	for i, u := range c.endpoints {
		out[i] = u.String()
	}
	return out
}

// apiError is a non-2xx answer of a server.
type apiError struct {
	status  int
	message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("kes: %d %s: %s", e.status, http.StatusText(e.status), e.message)
}

// retryable reports whether an answer should be tried on another endpoint.
func retryable(status int) bool { return status >= 500 || status == http.StatusTooManyRequests }

// do sends one request, trying the endpoints in turn from a rotating start
// until one answers with a status that is not a server failure. out, when
// not nil, receives the decoded 2xx body; decode, when not nil, reads it
// instead. Unreachable or failing servers give an error wrapping
// kms.ErrUnavailable; other non-2xx answers an *apiError.
func (c *Client) do(ctx context.Context, method, path string, body any, decode func(io.Reader) error) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return err
		}
	}
	attempts := max(len(c.endpoints), 2)
	start := int(c.next.Add(1))
	var errs []error
	for i := range attempts {
		if err := ctx.Err(); err != nil {
			return err
		}
		ep := c.endpoints[(start+i)%len(c.endpoints)]
		err := c.attempt(ctx, ep, method, path, payload, decode)
		var apiErr *apiError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &apiErr) && !retryable(apiErr.status):
			return err
		case ctx.Err() != nil:
			return ctx.Err()
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("%w: %w", kms.ErrUnavailable, errors.Join(errs...))
}

func (c *Client) attempt(ctx context.Context, ep *url.URL, method, path string, payload []byte, decode func(io.Reader) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *ep
	u.Path += path
	u.RawPath = ""
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// Every call of this API may be repeated safely: let the transport
	// retry a request that met a stale keep-alive connection.
	req.Header["Idempotency-Key"] = nil
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", ep.Host, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &apiError{status: resp.StatusCode, message: decodeError(resp.Body)}
	}
	if decode == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxBody))
		return nil
	}
	if err := decode(resp.Body); err != nil {
		// A 2xx answer we cannot read is a failing server.
		return &apiError{status: http.StatusBadGateway, message: err.Error()}
	}
	return nil
}

func decodeJSON(out any) func(io.Reader) error {
	return func(r io.Reader) error {
		return json.NewDecoder(io.LimitReader(r, MaxBody)).Decode(out)
	}
}

// write sends a create, generate or decrypt call: PUT (current KES), or
// POST for servers that answered 405 to PUT (older KES).
func (c *Client) write(ctx context.Context, path string, body any, decode func(io.Reader) error) error {
	method := http.MethodPut
	if c.usePOST.Load() {
		method = http.MethodPost
	}
	err := c.do(ctx, method, path, body, decode)
	var apiErr *apiError
	if errors.As(err, &apiErr) && apiErr.status == http.StatusMethodNotAllowed {
		other := http.MethodPost
		if method == http.MethodPost {
			other = http.MethodPut
		}
		if err = c.do(ctx, other, path, body, decode); err == nil {
			c.usePOST.Store(other == http.MethodPost)
		}
	}
	return err
}

// mapError turns an API error into the kms sentinels; unexpected answers
// are wrapped so that their text survives.
func mapError(err error, op, name string) error {
	var apiErr *apiError
	if !errors.As(err, &apiErr) {
		return err
	}
	msg := strings.ToLower(apiErr.message)
	var target error
	switch {
	case apiErr.status == http.StatusNotFound:
		target = kms.ErrKeyNotFound
	case apiErr.status == http.StatusConflict || strings.Contains(msg, "already exists"):
		target = kms.ErrKeyExists
	case op == "decrypt" && apiErr.status == http.StatusBadRequest:
		target = kms.ErrDecrypt
	case apiErr.status == http.StatusBadRequest && strings.Contains(msg, "name"):
		target = kms.ErrInvalidKeyName
	case apiErr.status == http.StatusNotImplemented || apiErr.status == http.StatusMethodNotAllowed:
		target = kms.ErrNotSupported
	case apiErr.status == http.StatusForbidden || apiErr.status == http.StatusUnauthorized:
		// The service refuses us: to the S3 layer the key service is
		// unusable, which is what a 503 says.
		target = kms.ErrUnavailable
	default:
		return fmt.Errorf("kes: %s %q: %w", op, name, err)
	}
	return fmt.Errorf("%w: %s %q: %s", target, op, name, apiErr.message)
}

func (c *Client) keyName(name string) (string, error) {
	if name == "" {
		name = c.defaultKey
	}
	if !kms.ValidKeyName(name) {
		// A name the API cannot carry cannot exist on the server.
		return name, fmt.Errorf("%w: %q", kms.ErrKeyNotFound, name)
	}
	return name, nil
}

// CreateKey creates a master key on the server. ErrKeyExists,
// ErrInvalidKeyName, ErrUnavailable.
func (c *Client) CreateKey(ctx context.Context, name string) error {
	if !kms.ValidKeyName(name) {
		return fmt.Errorf("%w: %q", kms.ErrInvalidKeyName, name)
	}
	return mapError(c.write(ctx, PathCreate+name, nil, nil), "create", name)
}

// DeleteKey deletes a master key on the server. ErrKeyNotFound,
// ErrUnavailable.
func (c *Client) DeleteKey(ctx context.Context, name string) error {
	if !kms.ValidKeyName(name) {
		return fmt.Errorf("%w: %q", kms.ErrKeyNotFound, name)
	}
	return mapError(c.do(ctx, http.MethodDelete, PathDelete+name, nil, nil), "delete", name)
}

// ListKeys lists the server's keys under the literal prefix of pattern and
// keeps those matching pattern, sorted.
func (c *Client) ListKeys(ctx context.Context, pattern string) ([]string, error) {
	prefix := pattern
	if i := strings.IndexAny(pattern, `*?[\`); i >= 0 {
		prefix = pattern[:i]
	}
	var list ListResponse
	err := c.do(ctx, http.MethodGet, PathList+url.PathEscape(prefix), nil, func(r io.Reader) error {
		var err error
		list, err = DecodeList(r)
		return err
	})
	if err != nil {
		return nil, mapError(err, "list", pattern)
	}
	names := []string{}
	for _, n := range list.Names {
		if strings.HasPrefix(n, prefix) && kms.MatchPattern(pattern, n) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// GenerateKey asks the server for a data key under the named master key
// ("" is the default key) bound to c. When the default key does not exist
// on the server, the client creates it and asks again, as MinIO does, so
// that a key server set up (or reset) after Silo started still works.
// ErrKeyNotFound, ErrUnavailable.
func (c *Client) GenerateKey(ctx context.Context, name string, kc kms.Context) (kms.DEK, error) {
	name, err := c.keyName(name)
	if err != nil {
		return kms.DEK{}, err
	}
	text, err := kc.MarshalText()
	if err != nil {
		return kms.DEK{}, fmt.Errorf("kes: encode context: %w", err)
	}
	dek, err := c.generate(ctx, name, text)
	if errors.Is(err, kms.ErrKeyNotFound) && name == c.defaultKey {
		if cerr := c.CreateKey(ctx, name); cerr != nil && !errors.Is(cerr, kms.ErrKeyExists) {
			return kms.DEK{}, err
		}
		dek, err = c.generate(ctx, name, text)
	}
	return dek, err
}

func (c *Client) generate(ctx context.Context, name string, encodedContext []byte) (kms.DEK, error) {
	var resp GenerateResponse
	if err := c.write(ctx, PathGenerate+name, GenerateRequest{Context: encodedContext}, decodeJSON(&resp)); err != nil {
		return kms.DEK{}, mapError(err, "generate", name)
	}
	if len(resp.Plaintext) != kms.SecretSize || len(resp.Ciphertext) == 0 {
		return kms.DEK{}, fmt.Errorf("%w: kes: generate %q: data key of %d bytes", kms.ErrUnavailable, name, len(resp.Plaintext))
	}
	return kms.DEK{KeyID: name, Plaintext: resp.Plaintext, Ciphertext: resp.Ciphertext}, nil
}

// Decrypt asks the server to unseal a data key. ErrKeyNotFound,
// ErrDecrypt, ErrUnavailable.
func (c *Client) Decrypt(ctx context.Context, name string, ciphertext []byte, kc kms.Context) ([]byte, error) {
	name, err := c.keyName(name)
	if err != nil {
		return nil, err
	}
	if len(ciphertext) == 0 {
		return nil, fmt.Errorf("%w: empty ciphertext", kms.ErrDecrypt)
	}
	text, err := kc.MarshalText()
	if err != nil {
		return nil, fmt.Errorf("kes: encode context: %w", err)
	}
	var resp DecryptResponse
	if err := c.write(ctx, PathDecrypt+name, DecryptRequest{Ciphertext: ciphertext, Context: text}, decodeJSON(&resp)); err != nil {
		return nil, mapError(err, "decrypt", name)
	}
	if len(resp.Plaintext) != kms.SecretSize {
		return nil, fmt.Errorf("%w: kes: decrypt %q: %d bytes, not a data key", kms.ErrDecrypt, name, len(resp.Plaintext))
	}
	return resp.Plaintext, nil
}

// DescribeKey asks the server for a key's metadata. ErrKeyNotFound,
// ErrUnavailable.
func (c *Client) DescribeKey(ctx context.Context, name string) (kms.KeyInfo, error) {
	if !kms.ValidKeyName(name) {
		return kms.KeyInfo{}, fmt.Errorf("%w: %q", kms.ErrKeyNotFound, name)
	}
	var resp DescribeResponse
	if err := c.do(ctx, http.MethodGet, PathDescribe+name, nil, decodeJSON(&resp)); err != nil {
		return kms.KeyInfo{}, mapError(err, "describe", name)
	}
	return kms.KeyInfo{Name: name, CreatedAt: resp.CreatedAt}, nil
}

// Status asks every server for its status, concurrently: Online when one
// answers, with the others in Offline; an error wrapping ErrUnavailable
// when none does.
func (c *Client) Status(ctx context.Context) (kms.Status, error) {
	st := kms.Status{Name: "kes", Endpoints: c.Endpoints(), DefaultKey: c.defaultKey}
	errs := make([]error, len(c.endpoints))
	var wg sync.WaitGroup
	for i, ep := range c.endpoints {
		wg.Go(func() {
			var resp StatusResponse
			errs[i] = c.attempt(ctx, ep, http.MethodGet, PathStatus, nil, decodeJSON(&resp))
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			st.Offline = append(st.Offline, st.Endpoints[i])
		}
	}
	st.Online = len(st.Offline) < len(st.Endpoints)
	if !st.Online {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		return st, fmt.Errorf("%w: %w", kms.ErrUnavailable, errors.Join(errs...))
	}
	return st, nil
}

// DefaultKey returns the configured default key name.
func (c *Client) DefaultKey() string { return c.defaultKey }

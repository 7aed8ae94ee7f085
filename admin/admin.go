package admin

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/silo-project/silo/api/sigv4"
	"github.com/silo-project/silo/iam"
	"github.com/silo-project/silo/kms"
)

// PathPrefix is the URL path prefix of the admin API.
const PathPrefix = "/minio/admin/"

// apiPrefix is the prefix of the admin API version Silo speaks.
const apiPrefix = PathPrefix + "v3/"

// Authenticator verifies request signatures; *sigv4.Verifier implements it.
type Authenticator interface {
	// Verify authenticates r; errors wrap the sigv4 sentinels.
	Verify(r *http.Request) (*sigv4.Result, error)
}

// IAM is the identity store the admin API manages; *iam.System implements
// it. Methods return errors wrapping the iam sentinels (ErrNoSuchUser,
// ErrNoSuchGroup, ErrNoSuchPolicy, ErrNoSuchServiceAccount,
// ErrGroupNotEmpty, ErrInvalidArgument, ErrAccessDenied, a policy parse
// error for malformed documents).
type IAM interface {
	SecretKey(ctx context.Context, accessKey string) (string, error)
	Authorize(ctx context.Context, req iam.Request) error

	AddUser(ctx context.Context, accessKey, secretKey string) error
	RemoveUser(ctx context.Context, accessKey string) error
	SetUserEnabled(ctx context.Context, accessKey string, enabled bool) error
	ListUsers(ctx context.Context) ([]iam.UserInfo, error)
	UserInfo(ctx context.Context, accessKey string) (iam.UserInfo, error)

	AddGroupMembers(ctx context.Context, group string, members []string) error
	RemoveGroupMembers(ctx context.Context, group string, members []string) error
	SetGroupEnabled(ctx context.Context, group string, enabled bool) error
	ListGroups(ctx context.Context) ([]string, error)
	GroupInfo(ctx context.Context, group string) (iam.GroupInfo, error)

	SetPolicy(ctx context.Context, name string, doc []byte) error
	DeletePolicy(ctx context.Context, name string) error
	Policies(ctx context.Context) (map[string][]byte, error)
	Policy(ctx context.Context, name string) ([]byte, error)
	AttachPolicies(ctx context.Context, policies []string, user, group string) error
	DetachPolicies(ctx context.Context, policies []string, user, group string) error
	PolicyEntities(ctx context.Context, policies, users, groups []string) (iam.PolicyEntities, error)

	AddServiceAccount(ctx context.Context, parent string, opts iam.ServiceAccountOptions) (iam.Credentials, error)
	UpdateServiceAccount(ctx context.Context, accessKey string, upd iam.ServiceAccountUpdate) error
	RemoveServiceAccount(ctx context.Context, accessKey string) error
	ListServiceAccounts(ctx context.Context, parent string) ([]iam.ServiceAccount, error)
	ServiceAccountInfo(ctx context.Context, accessKey string) (iam.ServiceAccount, error)

	ListSessions(ctx context.Context, parent string) ([]iam.SessionInfo, error)
	Session(ctx context.Context, accessKey string) (iam.SessionInfo, error)
}

// Service stops or restarts the server process; the server implements it.
type Service interface {
	// Restart makes the server stop serving and start again with the same
	// configuration, after the current response was written.
	Restart()
	// Stop makes the server stop serving and exit.
	Stop()
}

// Config tunes the admin handler.
type Config struct {
	// RootAccessKey is the root user's access key: it is not listed as a
	// user and cannot be changed through the API.
	RootAccessKey string
	// Region is reported by `mc admin info`.
	Region string
	// Version is the server version reported by `mc admin info`.
	Version string
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// Deps are the components the admin handler uses.
type Deps struct {
	Auth    Authenticator
	IAM     IAM
	Info    InfoSource // nil: `mc admin info` reports no drives
	Service Service    // nil: service restart/stop answer NotImplemented
	KMS     kms.KMS    // nil: the KMS APIs answer XMinioKMSNotConfigured
	Rotator KeyRotator // nil: object key rotation answers NotImplemented
}

// Handler serves the admin API. Create it with New.
type Handler struct {
	cfg    Config
	deps   Deps
	log    *slog.Logger
	routes map[string]route
	// crypto bounds concurrent payload encryptions and decryptions: each
	// argon2id key derivation takes 64 MiB.
	crypto chan struct{}
}

// New returns the admin handler.
func New(cfg Config, deps Deps) (*Handler, error) {
	if deps.Auth == nil || deps.IAM == nil {
		return nil, errors.New("admin: Auth and IAM are required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	routes := routeTable()
	for name, rt := range kmsRoutes() {
		routes[name] = rt
	}
	return &Handler{cfg: cfg, deps: deps, log: cfg.Logger, routes: routes, crypto: make(chan struct{}, 2)}, nil
}

// handlerFunc serves one admin API; a returned error is written as JSON.
type handlerFunc func(h *Handler, c *call) error

// route is one admin API: its HTTP method, the admin action it needs and
// its handler. ServeHTTP asks the IAM about the action before the handler
// runs, which also validates the caller's credential chain (session token,
// parent user); a denial is recorded in call.allowed and enforced by the
// handler, because some APIs (own service accounts, own user info) are
// allowed to their owner, and some need a different action depending on
// the request (enable or disable).
type route struct {
	method  string
	action  string
	handler handlerFunc
}

// routeTable returns the admin APIs Silo implements, by path below
// /minio/admin/v3/.
func routeTable() map[string]route {
	return map[string]route{
		"info": {http.MethodGet, "admin:ServerInfo", (*Handler).serverInfo},

		"add-user":        {http.MethodPut, "admin:CreateUser", (*Handler).addUser},
		"remove-user":     {http.MethodDelete, "admin:DeleteUser", (*Handler).removeUser},
		"set-user-status": {http.MethodPut, "admin:EnableUser", (*Handler).setUserStatus},
		"list-users":      {http.MethodGet, "admin:ListUsers", (*Handler).listUsers},
		"user-info":       {http.MethodGet, "admin:GetUser", (*Handler).userInfo},

		"update-group-members": {http.MethodPut, "admin:AddUserToGroup", (*Handler).updateGroupMembers},
		"set-group-status":     {http.MethodPut, "admin:EnableGroup", (*Handler).setGroupStatus},
		"groups":               {http.MethodGet, "admin:ListGroups", (*Handler).listGroups},
		"group":                {http.MethodGet, "admin:GetGroup", (*Handler).groupInfo},

		"add-canned-policy":           {http.MethodPut, "admin:CreatePolicy", (*Handler).addPolicy},
		"remove-canned-policy":        {http.MethodDelete, "admin:DeletePolicy", (*Handler).removePolicy},
		"list-canned-policies":        {http.MethodGet, "admin:ListUserPolicies", (*Handler).listPolicies},
		"info-canned-policy":          {http.MethodGet, "admin:GetPolicy", (*Handler).policyInfo},
		"idp/builtin/policy/attach":   {http.MethodPost, "admin:AttachUserOrGroupPolicy", (*Handler).attachPolicy},
		"idp/builtin/policy/detach":   {http.MethodPost, "admin:AttachUserOrGroupPolicy", (*Handler).detachPolicy},
		"idp/builtin/policy-entities": {http.MethodGet, "admin:ListUserPolicies", (*Handler).policyEntities},

		"add-service-account":    {http.MethodPut, "admin:CreateServiceAccount", (*Handler).addServiceAccount},
		"update-service-account": {http.MethodPost, "admin:UpdateServiceAccount", (*Handler).updateServiceAccount},
		"delete-service-account": {http.MethodDelete, "admin:RemoveServiceAccount", (*Handler).deleteServiceAccount},
		"list-service-accounts":  {http.MethodGet, "admin:ListServiceAccounts", (*Handler).listServiceAccounts},
		"info-service-account":   {http.MethodGet, "admin:ListServiceAccounts", (*Handler).serviceAccountInfo},
		"list-access-keys-bulk":  {http.MethodGet, "admin:ListServiceAccounts", (*Handler).listAccessKeys},
		"temporary-account-info": {http.MethodGet, "admin:ListTemporaryAccounts", (*Handler).temporaryAccountInfo},

		"service": {http.MethodPost, "admin:ServiceRestart", (*Handler).service},
	}
}

// call is one admin request on its way through a handler.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	ctx       context.Context
	api       string
	reqID     string
	auth      *sigv4.Result
	accessKey string // the authenticated caller
	// allowed is the IAM's answer for the route's action.
	allowed bool
	// afterWrite runs once the response was written (service restart).
	afterWrite func()
	// algorithm is the payload algorithm of the encrypted request body, used
	// for the encrypted response too (a FIPS client sends and reads PBKDF2);
	// 0 (argon2id AES-GCM) when the request had none.
	algorithm byte
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c := &call{w: w, r: r, ctx: r.Context(), reqID: newRequestID()}
	w.Header().Set("x-amz-request-id", c.reqID)
	w.Header().Set("Server", "Silo")
	defer func() {
		if v := recover(); v != nil {
			h.log.Error("admin handler panic", "api", c.api, "panic", v)
			h.writeError(c, apiErr(errInternal, ""))
		}
	}()
	name, ok := strings.CutPrefix(r.URL.Path, apiPrefix)
	if rest, isKMS := strings.CutPrefix(r.URL.Path, kmsAPIPrefix); isKMS {
		name, ok = "kms/v1/"+rest, true
	}
	if !ok {
		h.writeError(c, apiErr(errNotImplemented, "Silo speaks version 3 of the admin API (/minio/admin/v3/); %s is not supported", r.URL.Path))
		return
	}
	c.api = strings.Trim(name, "/")
	rt, ok := h.routes[c.api]
	if !ok {
		h.writeError(c, apiErr(errNotImplemented, "the admin API %q is not implemented by Silo", c.api))
		return
	}
	if r.Method != rt.method {
		h.writeError(c, apiErr(errMethodNotAllowed, "the admin API %q expects %s, not %s", c.api, rt.method, r.Method))
		return
	}
	res, err := h.deps.Auth.Verify(r)
	if err != nil {
		h.writeError(c, authError(err))
		return
	}
	if res.Anonymous {
		h.writeError(c, apiErr(errAccessDenied, "admin APIs require signed requests"))
		return
	}
	if res.Body != nil {
		defer res.Body.Close()
	}
	c.auth, c.accessKey = res, res.AccessKey
	if c.allowed, err = h.allowed(c, rt.action); err != nil {
		h.writeError(c, err)
		return
	}
	if err := rt.handler(h, c); err != nil {
		h.writeError(c, err)
		return
	}
	if c.afterWrite != nil {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		c.afterWrite()
	}
}

// require fails with AccessDenied unless the route's action is allowed.
func (c *call) require() error {
	if !c.allowed {
		return apiErr(errAccessDenied, "")
	}
	return nil
}

// authorize asks the IAM whether the caller may perform the admin action.
func (h *Handler) authorize(c *call, action string) error {
	req := iam.Request{AccessKey: c.accessKey, SessionToken: c.auth.SessionToken, Action: action, Conditions: conditions(c.r)}
	if err := h.deps.IAM.Authorize(c.ctx, req); err != nil {
		if errors.Is(err, iam.ErrAccessDenied) {
			return apiErr(errAccessDenied, "")
		}
		return err
	}
	return nil
}

// allowed reports whether the caller may perform action; it fails only
// when the caller's credentials are no longer valid (expired or forged
// session token, removed parent) or the IAM failed.
func (h *Handler) allowed(c *call, action string) (bool, error) {
	err := h.authorize(c, action)
	var ae *apiError
	if errors.As(err, &ae) && ae.code == errAccessDenied {
		return false, nil
	}
	return err == nil, err
}

// conditions returns the global condition keys of r.
func conditions(r *http.Request) map[string][]string {
	cond := map[string][]string{}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		cond["aws:SourceIp"] = []string{host}
	}
	secure := "false"
	if r.TLS != nil {
		secure = "true"
	}
	cond["aws:SecureTransport"] = []string{secure}
	if ua := r.UserAgent(); ua != "" {
		cond["aws:UserAgent"] = []string{ua}
	}
	return cond
}

// isRoot reports whether accessKey is the root user.
func (h *Handler) isRoot(accessKey string) bool {
	return accessKey != "" && accessKey == h.cfg.RootAccessKey
}

package admin

import (
	"context"
	"runtime"
	"time"
)

// InfoSource reports the deployment for `mc admin info`; the server adapts
// its storage engine to it.
type InfoSource interface {
	// ServerInfo returns the current state. It does not fail: parts it
	// cannot determine are left zero.
	ServerInfo(ctx context.Context) ServerInfo
}

// ServerInfo describes the (single-node) deployment.
type ServerInfo struct {
	DeploymentID   string
	Sets           int
	DrivesPerSet   int
	StandardParity int
	RRSParity      int
	Started        time.Time
	Drives         []DriveInfo
	// Buckets is the number of buckets, -1 when unknown.
	Buckets int
	// Objects and Usage are the number of objects and their bytes, -1
	// when unknown.
	Objects, Usage int64
}

// DriveInfo is one drive of ServerInfo.
type DriveInfo struct {
	Set, Position     int
	Path, UUID        string
	Online            bool
	Total, Used, Free uint64
}

// Wire shapes of the info API, as mc reads them.
type (
	infoMessage struct {
		Mode         string       `json:"mode"`
		Region       string       `json:"region,omitempty"`
		DeploymentID string       `json:"deploymentID"`
		Buckets      countJSON    `json:"buckets"`
		Objects      countJSON    `json:"objects"`
		Backend      backendJSON  `json:"backend"`
		Servers      []serverJSON `json:"servers"`
		Pools        map[int]any  `json:"pools,omitempty"`
		Services     *struct{}    `json:"services,omitempty"`
		Usage        *usageJSON   `json:"usage,omitempty"`
	}
	countJSON struct {
		Count uint64 `json:"count"`
		Error string `json:"error,omitempty"`
	}
	usageJSON struct {
		Size  uint64 `json:"size"`
		Error string `json:"error,omitempty"`
	}
	backendJSON struct {
		Type             string `json:"backendType"`
		OnlineDisks      int    `json:"onlineDisks"`
		OfflineDisks     int    `json:"offlineDisks"`
		StandardSCParity int    `json:"standardSCParity"`
		RRSCParity       int    `json:"rrSCParity"`
		TotalSets        []int  `json:"totalSets"`
		DrivesPerSet     []int  `json:"totalDrivesPerSet"`
	}
	serverJSON struct {
		State      string            `json:"state"`
		Endpoint   string            `json:"endpoint"`
		Scheme     string            `json:"scheme"`
		Uptime     int64             `json:"uptime"`
		Version    string            `json:"version"`
		CommitID   string            `json:"commitID"`
		Network    map[string]string `json:"network"`
		Drives     []driveJSON       `json:"drives"`
		PoolNumber int               `json:"poolNumber"`
		PoolNums   []int             `json:"poolNumbers"`
		MemStats   memStatsJSON      `json:"mem_stats"`
		GoMaxProcs int               `json:"go_max_procs"`
		NumCPU     int               `json:"num_cpu"`
		Runtime    string            `json:"runtime_version"`
		Edition    string            `json:"edition"`
	}
	driveJSON struct {
		Endpoint       string `json:"endpoint"`
		RootDisk       bool   `json:"rootDisk"`
		DrivePath      string `json:"path"`
		Healing        bool   `json:"healing"`
		Scanning       bool   `json:"scanning"`
		State          string `json:"state"`
		UUID           string `json:"uuid"`
		TotalSpace     uint64 `json:"totalspace"`
		UsedSpace      uint64 `json:"usedspace"`
		AvailableSpace uint64 `json:"availspace"`
		PoolIndex      int    `json:"pool_index"`
		SetIndex       int    `json:"set_index"`
		DiskIndex      int    `json:"disk_index"`
	}
	memStatsJSON struct {
		Alloc      uint64 `json:"Alloc"`
		TotalAlloc uint64 `json:"TotalAlloc"`
		Mallocs    uint64 `json:"Mallocs"`
		Frees      uint64 `json:"Frees"`
		HeapAlloc  uint64 `json:"HeapAlloc"`
	}
)

// serverInfo: GET info; plain JSON.
func (h *Handler) serverInfo(c *call) error {
	if err := c.require(); err != nil {
		return err
	}
	si := ServerInfo{Buckets: -1, Objects: -1, Usage: -1}
	if h.deps.Info != nil {
		si = h.deps.Info.ServerInfo(c.ctx)
	}
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	endpoint := c.r.Host
	srv := serverJSON{State: "online", Endpoint: endpoint, Scheme: scheme, Version: h.cfg.Version,
		Network: map[string]string{endpoint: "online"}, Drives: []driveJSON{}, PoolNumber: 1, PoolNums: []int{1},
		GoMaxProcs: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(), Runtime: runtime.Version(), Edition: "Silo"}
	if !si.Started.IsZero() {
		srv.Uptime = int64(h.cfg.Now().Sub(si.Started).Seconds())
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	srv.MemStats = memStatsJSON{Alloc: ms.Alloc, TotalAlloc: ms.TotalAlloc, Mallocs: ms.Mallocs, Frees: ms.Frees, HeapAlloc: ms.HeapAlloc}
	backend := backendJSON{Type: "Erasure", StandardSCParity: si.StandardParity, RRSCParity: si.RRSParity,
		TotalSets: []int{si.Sets}, DrivesPerSet: []int{si.DrivesPerSet}}
	for _, d := range si.Drives {
		state := "ok"
		if d.Online {
			backend.OnlineDisks++
		} else {
			state = "offline"
			backend.OfflineDisks++
		}
		srv.Drives = append(srv.Drives, driveJSON{Endpoint: d.Path, DrivePath: d.Path, State: state, UUID: d.UUID,
			TotalSpace: d.Total, UsedSpace: d.Used, AvailableSpace: d.Free, SetIndex: d.Set, DiskIndex: d.Position})
	}
	msg := infoMessage{Mode: "online", Region: h.cfg.Region, DeploymentID: si.DeploymentID, Backend: backend,
		Servers: []serverJSON{srv}}
	if si.Buckets >= 0 {
		msg.Buckets.Count = uint64(si.Buckets)
	} else {
		msg.Buckets.Error = "bucket count unavailable"
	}
	if si.Objects >= 0 && si.Usage >= 0 {
		msg.Objects.Count = uint64(si.Objects)
		msg.Usage = &usageJSON{Size: uint64(si.Usage)}
	} else {
		msg.Objects.Error = "too many objects to count on request"
		msg.Usage = &usageJSON{Error: "too many objects to count on request"}
	}
	return c.writeJSON(msg)
}

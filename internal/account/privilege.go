package account

// Module is a portion of the portal whose access is granted per membership.
type Module string

const (
	ModuleClaims           Module = "claims"
	ModuleEOPs             Module = "eops"
	ModuleEligibility      Module = "eligibility"
	ModulePanelRoster      Module = "panel_roster"
	ModulePracticeInsights Module = "practice_insights"
	ModuleUserAdmin        Module = "user_admin"
	ModuleCodeLists        Module = "code_lists"
	ModuleClientPortal     Module = "client_portal"
	ModuleSupport          Module = "support"
)

// Modules lists every module.
var Modules = []Module{ModuleClaims, ModuleEOPs, ModuleEligibility, ModulePanelRoster, ModulePracticeInsights,
	ModuleUserAdmin, ModuleCodeLists, ModuleClientPortal, ModuleSupport}

// ParseModule accepts a module's API name.
func ParseModule(s string) (Module, bool) {
	for _, m := range Modules {
		if string(m) == s {
			return m, true
		}
	}
	return "", false
}

// Level is an access level on a module, ordered none < view < full.
type Level string

const (
	LevelNone Level = "none"
	LevelView Level = "view"
	LevelFull Level = "full"
)

// ParseLevel accepts "full", "view" or "none".
func ParseLevel(s string) (Level, bool) {
	switch Level(s) {
	case LevelNone, LevelView, LevelFull:
		return Level(s), true
	}
	return "", false
}

// Allows reports whether holding l satisfies a need for level need.
func (l Level) Allows(need Level) bool { return l.rank() >= need.rank() }

func (l Level) rank() int {
	switch l {
	case LevelFull:
		return 2
	case LevelView:
		return 1
	}
	return 0
}

// roleDefaults is product.md's role table: each role's default access.
var roleDefaults = map[Role]map[Module]Level{
	RoleSiteAdmin: {
		ModuleClaims: LevelFull, ModuleEOPs: LevelFull, ModuleEligibility: LevelFull, ModulePanelRoster: LevelFull,
		ModulePracticeInsights: LevelFull, ModuleUserAdmin: LevelFull, ModuleCodeLists: LevelFull, ModuleClientPortal: LevelFull,
		ModuleSupport: LevelNone,
	},
	RoleProviderAdmin: {
		ModuleClaims: LevelFull, ModuleEOPs: LevelFull, ModuleEligibility: LevelFull, ModulePanelRoster: LevelFull,
		ModulePracticeInsights: LevelFull, ModuleUserAdmin: LevelFull, ModuleCodeLists: LevelFull,
	},
	RolePortalUser: {
		ModuleClaims: LevelFull, ModuleEOPs: LevelFull, ModuleEligibility: LevelFull, ModulePanelRoster: LevelFull,
		ModulePracticeInsights: LevelFull,
	},
	RoleClericalUser: {
		ModuleClaims: LevelFull, ModuleEOPs: LevelFull, ModuleEligibility: LevelFull, ModulePanelRoster: LevelFull,
	},
	RoleClient: {ModuleClientPortal: LevelFull},
}

// DefaultLevel is a role's access to a module before per-user overrides.
func DefaultLevel(r Role, m Module) Level {
	if l, ok := roleDefaults[r][m]; ok {
		return l
	}
	return LevelNone
}

// Level is the membership's effective access to a module: the per-user
// override when there is one (F19), else the role's default. Support is
// the membership's support flag alone (F21), never an override.
func (m Membership) Level(mod Module) Level {
	if mod == ModuleSupport {
		if m.Support && m.Role != RoleSiteAdmin {
			return LevelFull
		}
		return LevelNone
	}
	if l, ok := m.Privileges[mod]; ok {
		return l
	}
	return DefaultLevel(m.Role, mod)
}

// EffectivePrivileges lists the effective level of every module.
func (m Membership) EffectivePrivileges() map[Module]Level {
	out := make(map[Module]Level, len(Modules))
	for _, mod := range Modules {
		out[mod] = m.Level(mod)
	}
	return out
}

package ginauth

import "github.com/fastauth/fastauth/ginauth/module"

// Module is a capability mounted on the kernel; see module.Module. The
// interface lives in package module so that modules need not import the
// kernel (and the kernel can mount its default modules).
type Module = module.Module

// Host is what the kernel gives a module; see module.Host.
type Host = module.Host

//go:build !amd64

package dice

// hasAVX512 and hasAVX2 are false: there is no assembly for this architecture.
const hasAVX512, hasAVX2 = false, false

// selectKernel installs the portable kernel, the only one on this architecture, for
// name "" or implGeneric, and reports false for any other name.
func selectKernel(name string) bool {
	if name != "" && name != implGeneric {
		return false
	}
	kernel, kernelName = andCountsGeneric, implGeneric
	return true
}

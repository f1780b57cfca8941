//go:build !amd64

package dice

// hasAVX512 is false: there is no assembly for this architecture.
const hasAVX512 = false

// selectKernel installs the portable kernel, the only one on this architecture.
func selectKernel(bool) {
	kernel, kernelName = andCountsGeneric, "generic"
}

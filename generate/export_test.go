package generate

// FailRenameAt makes the n-th rename of the next writes fail (counting
// from 1), and returns a function that restores renaming.
func FailRenameAt(n int, err error) (restore func()) {
	calls := 0
	rename = func(from, to string) error {
		calls++
		if calls == n {
			return err
		}
		return renameFile(from, to)
	}
	return func() { rename = renameFile }
}

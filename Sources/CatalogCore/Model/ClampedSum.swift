extension Int64 {
    /// `self + other`, held at `Int64.max` (or `.min`) where the sum would overflow: a total of
    /// sizes a filesystem reports (sparse files may each claim exabytes) must not trap.
    public func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}

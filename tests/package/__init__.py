"""The package as users get it: its public names, the wheel, the README's examples, the
benchmark script."""

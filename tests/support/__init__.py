"""What tests share: databases to test against (more to move here, see issue 16)."""

"""Format configuration: map a tool's export onto the landing contract
(CONTRACT.md section 1.2). See docs/formats.md."""

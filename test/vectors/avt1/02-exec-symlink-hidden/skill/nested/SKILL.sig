a SKILL.sig below the root is an ordinary file

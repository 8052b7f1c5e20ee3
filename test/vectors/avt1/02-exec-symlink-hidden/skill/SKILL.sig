{"not":"hashed: the signature sidecar is excluded"}

"""Problem management: root causes, known errors and the incidents they explain."""

"""Document layouts (reportlab), QR images, printer back-ends and the durable print queue."""

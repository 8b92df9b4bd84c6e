"""The hand recognizer: palm detection -> hand ROI -> 21 landmarks -> tracking -> a gesture
classifier on pose features, after MediaPipe's hand tracking graph."""

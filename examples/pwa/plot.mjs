// The live training plot, on a plain canvas: batch loss against steps on the
// left axis, held-out accuracy after each epoch on the right axis (0..100%).

const LOSS = "#c0392b", ACCURACY = "#2471a3", AXES = "#888";

export class TrainingPlot {
  constructor(canvas) {
    this.canvas = canvas;
    this.reset(1);
  }

  /** Starts a new run of `totalSteps` steps. */
  reset(totalSteps) {
    this.totalSteps = totalSteps;
    this.losses = [];
    this.accuracies = []; // [step, accuracy]
    this.draw();
  }

  addLoss(loss) {
    this.losses.push(loss);
  }

  addAccuracy(accuracy) {
    this.accuracies.push([this.losses.length, accuracy]);
  }

  draw() {
    const { canvas } = this;
    const g = canvas.getContext("2d");
    const left = 40, right = 44, top = 10, bottom = 24;
    const w = canvas.width - left - right, h = canvas.height - top - bottom;
    const maxLoss = Math.max(0.5, ...this.losses.map((l) => (Number.isFinite(l) ? l : 0)));
    const x = (step) => left + (w * step) / Math.max(1, this.totalSteps);
    g.clearRect(0, 0, canvas.width, canvas.height);

    g.strokeStyle = AXES;
    g.fillStyle = AXES;
    g.lineWidth = 1;
    g.strokeRect(left, top, w, h);
    g.font = "11px sans-serif";
    g.textAlign = "right";
    g.fillText(maxLoss.toFixed(2), left - 4, top + 8);
    g.fillText("0", left - 4, top + h);
    g.textAlign = "left";
    g.fillText("100%", left + w + 4, top + 8);
    g.fillText("0%", left + w + 4, top + h);
    g.textAlign = "center";
    g.fillText(this.losses.length ? `steps (${this.totalSteps})` : "steps", left + w / 2, top + h + 16);

    g.lineWidth = 1.5;
    g.strokeStyle = LOSS;
    g.beginPath();
    this.losses.forEach((l, i) => {
      const y = top + h * (1 - Math.min(l, maxLoss) / maxLoss);
      if (i === 0) g.moveTo(x(i + 1), y);
      else g.lineTo(x(i + 1), y);
    });
    g.stroke();

    g.strokeStyle = ACCURACY;
    g.fillStyle = ACCURACY;
    g.beginPath();
    this.accuracies.forEach(([step, a], i) => {
      const y = top + h * (1 - a);
      if (i === 0) g.moveTo(x(step), y);
      else g.lineTo(x(step), y);
    });
    g.stroke();
    for (const [step, a] of this.accuracies) {
      g.beginPath();
      g.arc(x(step), top + h * (1 - a), 3, 0, 2 * Math.PI);
      g.fill();
    }
  }
}
